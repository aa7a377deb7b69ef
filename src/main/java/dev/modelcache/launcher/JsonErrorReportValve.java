package dev.modelcache.launcher;

import dev.modelcache.servlet.ModelCacheServlet;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * The launchers' Host error report: errors Tomcat raises before or around the web application (a header too large,
 * a bad {@code %} escape in the path, a failure outside the servlet) are answered in the proxy's error shape,
 * {@code {"error":{"message":...,"type":...,"param":null,"code":...}}}, instead of Tomcat's HTML page with its
 * version and, for exceptions, a stack trace. Set as the Host's {@code errorReportValveClass}.
 */
public final class JsonErrorReportValve extends ErrorReportValve {
    public JsonErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        byte[] body = ModelCacheServlet.containerError(status).body();
        try {
            response.resetBuffer();
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            response.setContentLength(body.length);
            OutputStream out = response.getOutputStream();
            out.write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response cannot be written: nothing to report to.
        }
    }
}
