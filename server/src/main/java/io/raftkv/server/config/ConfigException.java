package io.raftkv.server.config;

/** A bad flag or config file value: the message names the flag and says what is wrong, on one line. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String flag, String problem) {
        super("invalid --" + flag + ": " + problem);
    }
}
