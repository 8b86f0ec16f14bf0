package io.hookline.delivery;

import io.hookline.config.HooklineConfig;
import io.hookline.store.ChunkQueue;
import io.hookline.store.DestinationHealth;
import io.hookline.store.DestinationRepository;
import io.hookline.store.NoticeQueue;
import io.vertx.core.Vertx;

/** What the lanes of one sender shard share: its event loop's services, its store access and its limits. */
record LaneContext(
        Vertx vertx,
        String instanceId,
        HooklineConfig.Delivery config,
        ChunkQueue queue,
        NoticeQueue notices,
        DestinationRepository destinations,
        DestinationHealth health,
        Completer completer,
        WebhookClient client,
        ByteBudget budget,
        RetryPolicy retryPolicy,
        DeliveryMetrics metrics) {}
