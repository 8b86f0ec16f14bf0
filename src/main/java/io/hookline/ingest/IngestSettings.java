package io.hookline.ingest;

import io.hookline.config.HooklineConfig;
import io.hookline.security.SecretBox;
import io.hookline.store.DestinationRepository;
import io.hookline.store.ImportRepository;
import io.vertx.core.Vertx;

/** What every upload needs, shared by the uploads of one HTTP server instance. */
public record IngestSettings(
        HooklineConfig.Ingest limits,
        int maxChunkBytes,
        DestinationRepository destinations,
        ImportRepository imports,
        SecretBox secrets,
        UploadSlots slots,
        PageBudget budget) {

    /** The settings of one HTTP server instance; the upload slots and the page budget are the whole server's. */
    public static IngestSettings of(
            Vertx vertx,
            HooklineConfig.Ingest limits,
            int maxChunkBytes,
            DestinationRepository destinations,
            ImportRepository imports,
            SecretBox secrets) {
        return new IngestSettings(
                limits,
                maxChunkBytes,
                destinations,
                imports,
                secrets,
                UploadSlots.of(vertx, limits.maxConcurrentUploads(), limits.maxConcurrentUploadsPerKey()),
                PageBudget.of(vertx, limits.maxPendingPageBytes()));
    }
}
