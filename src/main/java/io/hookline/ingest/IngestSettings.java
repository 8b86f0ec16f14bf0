package io.hookline.ingest;

import io.hookline.config.HooklineConfig;
import io.hookline.security.SecretBox;
import io.hookline.store.DestinationRepository;
import io.hookline.store.ImportRepository;

/** What every upload needs, shared by the routes of one IngestVerticle instance. */
public record IngestSettings(
    HooklineConfig.Ingest limits,
    int maxChunkBytes,
    DestinationRepository destinations,
    ImportRepository imports,
    SecretBox secrets,
    UploadSlots slots,
    PageBudget budget) {}
