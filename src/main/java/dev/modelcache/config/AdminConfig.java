package dev.modelcache.config;

/** The admin endpoints' keys, {@code admin/...}: the bearer {@code token} they require, or null for none. */
public record AdminConfig(String token) {
    static AdminConfig read(ConfigReader r) {
        return new AdminConfig(r.text(ConfigKeys.ADMIN_TOKEN).orElse(null));
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "AdminConfig[token=" + (token == null ? "none" : "set") + "]";
    }
}
