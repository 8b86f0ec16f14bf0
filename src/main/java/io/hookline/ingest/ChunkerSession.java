package io.hookline.ingest;

import io.hookline.bus.Addresses;
import io.hookline.bus.LocalCodec;
import io.hookline.chunk.ChunkerCommand;
import io.hookline.chunk.ImportDraft;
import io.hookline.store.ImportRepository;
import io.hookline.store.StoredImport;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upload's exchange with the chunker: finished pages wait here (their bytes counted in the {@link PageBudget})
 * until they are staged, a batch at a time, one write in flight at most; then the commit, or the abort. The draft
 * is made by the first write or commit, so an upload refused before it has pages costs the chunker nothing.
 */
final class ChunkerSession {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkerSession.class);
    private static final DeliveryOptions TO_CHUNKER = new DeliveryOptions(LocalCodec.LOCAL).setSendTimeout(120_000);

    private final EventBus eventBus;
    private final PageBudget budget;
    private final String template;
    private ImportDraft draft;
    private List<Buffer> ready = new ArrayList<>();
    private long readyBytes;
    private boolean writing;

    ChunkerSession(EventBus eventBus, PageBudget budget, String template) {
        this.eventBus = eventBus;
        this.budget = budget;
        this.template = template;
    }

    /** A finished page, to go with the next write. */
    void add(Buffer page) {
        ready.add(page);
        readyBytes += page.length();
        budget.take(page.length());
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    long readyBytes() {
        return readyBytes;
    }

    /** A write or the commit is in flight. */
    boolean writing() {
        return writing;
    }

    /** Stages the pages ready now as one batch; their budget is given back once the write is done. */
    Future<Void> writeReady() {
        long batchBytes = readyBytes;
        List<Buffer> batch = takeReady();
        writing = true;
        return eventBus.request(Addresses.CHUNKER, new ChunkerCommand.WritePages(draft(), batch), TO_CHUNKER)
                .<Void>mapEmpty()
                .andThen(ar -> {
                    writing = false;
                    budget.give(batchBytes);
                });
    }

    /**
     * Commits the upload with the pages still in memory: the stored import, or null when its upload id or idempotency
     * key is taken.
     */
    Future<StoredImport> commit(ImportRepository.NewImport meta) {
        long lastBytes = readyBytes;
        List<Buffer> lastPages = takeReady();
        writing = true;
        return eventBus.<ChunkerCommand.Committed>request(
                        Addresses.CHUNKER, new ChunkerCommand.Commit(draft(), meta, lastPages), TO_CHUNKER)
                .map(message -> message.body().stored())
                .andThen(ar -> {
                    writing = false;
                    budget.give(lastBytes);
                });
    }

    /** The upload ended otherwise: the chunker gives what it staged to the sweep. */
    void abort() {
        if (draft != null) {
            eventBus.request(Addresses.CHUNKER, new ChunkerCommand.Abort(draft), TO_CHUNKER)
                    .onFailure(err -> LOG.debug("abort failed: {}", err.toString()));
        }
    }

    /** Gives back the budget of the pages still waiting, which will not be written. */
    void release() {
        budget.give(readyBytes);
        ready = new ArrayList<>();
        readyBytes = 0;
    }

    private List<Buffer> takeReady() {
        List<Buffer> taken = ready;
        ready = new ArrayList<>();
        readyBytes = 0;
        return taken;
    }

    private ImportDraft draft() {
        if (draft == null) {
            draft = new ImportDraft(template);
        }
        return draft;
    }
}
