package dev.modelcache.upstream;

import dev.modelcache.http.Headers;
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

    /** The body as it arrives; empty for answers without one. */
    InputStream body() throws IOException;

    @Override
    void close();
}
