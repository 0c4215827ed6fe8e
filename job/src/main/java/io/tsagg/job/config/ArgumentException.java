package io.tsagg.job.config;

/**
 * A job argument that is unknown, missing or invalid; the message says which and what is allowed.
 */
public final class ArgumentException extends Exception {
    private static final long serialVersionUID = 1L;

    public ArgumentException(String message) {
        super(message);
    }
}
