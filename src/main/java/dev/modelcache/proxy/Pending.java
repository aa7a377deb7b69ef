package dev.modelcache.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How the pipeline says "done later": an exchange whose live stream goes on without its thread completes a
 * {@link CompletableFuture}; one answered on its thread returns a complete one. A future fails with what the
 * synchronous pipeline throws: a {@link dev.modelcache.http.ProxyError} to answer in the provider's shape, an
 * {@link IOException} that breaks the client's connection off, or another failure (a 500).
 */
public final class Pending {
    /** An exchange answered on its thread. */
    static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private Pending() {
    }

    /** What {@code e} (as a future hands it over) stands for, unwrapped. */
    public static Throwable cause(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException
                || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Passes a failure on from inside a future's handler (checked ones wrapped); null when there is none. */
    static <T> T rethrow(Throwable e) {
        if (e == null) {
            return null;
        }
        Throwable cause = cause(e);
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        throw new CompletionException(cause);
    }

    /** Waits for {@code done} and throws what it failed with, as the synchronous pipeline would have. */
    static void join(CompletableFuture<Void> done) throws IOException {
        try {
            done.join();
        } catch (CompletionException e) {
            Throwable cause = cause(e);
            if (cause instanceof IOException io) {
                throw io;
            }
            rethrow(cause);
        }
    }
}
