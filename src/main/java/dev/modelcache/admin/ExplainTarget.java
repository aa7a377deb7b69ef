package dev.modelcache.admin;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A request sent to {@code /_cache/explain/<path>}, seen as the request to {@code <path>} it describes: same
 * headers and body, without the admin credential (the admin token in {@code Authorization} is not the caller's
 * provider key, so it must not choose the partition).
 */
final class ExplainTarget extends HttpServletRequestWrapper {
    private final String target;
    private final String adminAuthorization;

    ExplainTarget(HttpServletRequest request, String target, String adminAuthorization) {
        super(request);
        this.target = target;
        this.adminAuthorization = adminAuthorization;
    }

    @Override
    public String getRequestURI() {
        return target;
    }

    @Override
    public String getContextPath() {
        return "";
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        if (isAdminCredential(name)) {
            return Collections.emptyEnumeration();
        }
        return super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        List<String> names = Collections.list(super.getHeaderNames());
        names.removeIf(this::isAdminCredential);
        return Collections.enumeration(names);
    }

    private boolean isAdminCredential(String name) {
        if (name.equalsIgnoreCase(AdminEndpoints.TOKEN_HEADER)) {
            return true;
        }
        String value = super.getHeader(name);
        return name.equalsIgnoreCase("Authorization") && adminAuthorization != null && value != null
                && value.trim().equals(adminAuthorization);
    }
}
