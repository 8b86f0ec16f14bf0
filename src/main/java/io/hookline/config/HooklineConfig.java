package io.hookline.config;

import io.hookline.security.Cidr;
import java.nio.file.Path;
import java.util.List;

/** Everything the server reads at start; built by {@link ConfigLoader} from the JSON file and the environment. */
public record HooklineConfig(
        Http http,
        Db db,
        List<String> apiKeys,
        boolean allowPrivateTargets,
        List<Cidr> allowedTargetCidrs,
        String instanceId,
        String logLevel,
        String encryptionKey,
        Path dataDir,
        Ingest ingest,
        Delivery delivery,
        long shutdownGraceMs,
        Retention retention,
        String previousEncryptionKey) {

    public record Http(String host, int port) {}

    /** Finished imports are deleted {@code keepMs} after they finished (0: never), looked for every {@code sweepMs}. */
    public record Retention(long keepMs, long sweepMs) {}

    /** {@code schema}: where Hookline's tables live (created at start when missing). */
    public record Db(String url, int poolSize, int ingestPoolSize, int deliveryPoolSize, String schema) {}

    /**
     * Upload limits. {@code minBytesPerSecond} and {@code bodyTimeoutMs} cut off slow bodies (408);
     * {@code maxConcurrentUploads} (overall) and {@code maxConcurrentUploadsPerKey} (per API key) refuse more uploads
     * at once (429); {@code maxPendingPageBytes} bounds the pages of all uploads waiting to be written (reading
     * pauses beyond it); an upload not touched for {@code abandonedUploadMs} is deleted by the sweep.
     */
    public record Ingest(
            long maxBodyBytes,
            long maxRecords,
            int maxRecordBytes,
            int maxDepth,
            long minBytesPerSecond,
            long bodyTimeoutMs,
            int maxConcurrentUploads,
            int maxConcurrentUploadsPerKey,
            long maxPendingPageBytes,
            long abandonedUploadMs) {}

    /**
     * {@code leaseSeconds}: how long a destination stays with its owner after the owner's last renewal (so how long a
     * dead instance's destinations wait). {@code pollIntervalMs}: how often an instance renews, announces itself and
     * looks for destinations to own. {@code statusBatchSize}, {@code statusLingerMs}, {@code statusQueueLimit}: outcome
     * writes. {@code bufferChunks}: most chunks claimed ahead per destination; {@code bufferBytes}: most page bytes
     * held by the sender in all (split over its {@code shards}, one per event loop).
     */
    public record Delivery(
            int maxChunkBytes,
            int defaultMaxConcurrency,
            int leaseSeconds,
            long pollIntervalMs,
            long maxRetryAfterMs,
            int statusBatchSize,
            long statusLingerMs,
            int statusQueueLimit,
            int bufferChunks,
            long bufferBytes,
            int shards,
            int responseExcerptBytes,
            String trustedCaFile,
            int authValueRetentionDays,
            long circuitWindowMs,
            long circuitProbeIntervalMs) {

        public long leaseMs() {
            return leaseSeconds * 1000L;
        }
    }

    @Override
    public String toString() {
        // Never print keys: this record is logged at start.
        return "HooklineConfig[http=" + http + ", db=" + redactUrl(db.url()) + ", schema=" + db.schema() + ", apiKeys="
                + apiKeys.size()
                + ", allowPrivateTargets=" + allowPrivateTargets + ", allowedTargetCidrs=" + allowedTargetCidrs.size()
                + ", instanceId=" + instanceId
                + ", logLevel=" + logLevel + ", dataDir=" + dataDir + ", ingest=" + ingest + ", delivery=" + delivery
                + ", shutdownGraceMs=" + shutdownGraceMs + ", retention=" + retention + "]";
    }

    static String redactUrl(String url) {
        return url.replaceAll("://([^:/@]+):[^@]*@", "://$1:***@");
    }
}
