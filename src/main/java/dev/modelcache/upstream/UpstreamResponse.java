package dev.modelcache.upstream;

import dev.modelcache.http.Headers;
import dev.modelcache.stream.PushBody;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * An upstream answer whose body is still arriving. {@link #close()} returns the connection to the pool when the
 * body was read to its end, and closes it otherwise.
 */
public interface UpstreamResponse extends Closeable {
    int status();

    Headers headers();

    /**
     * True when the body's end is its real end: it is chunked or sized (HttpClient fails one that ends early), or
     * it was decoded from a format that marks its own end. False for a body that simply runs until the connection
     * closes, where a cut looks like a clean end.
     */
    default boolean framed() {
        return headers().first("Transfer-Encoding").isPresent() || headers().first("Content-Length").isPresent();
    }

    /** The body as it arrives; empty for answers without one (decoded when {@link UpstreamClient} could). */
    InputStream body() throws IOException;

    /**
     * The same body for a reader that must not block (a stream relayed without a thread), or null when it can only
     * be read blocking (it is being decoded). Read it one way only.
     */
    default PushBody pushBody() {
        return null;
    }

    @Override
    void close();
}
