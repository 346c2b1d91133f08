package io.retryladder.dlq;

/** Output format of a command: a table for people, or JSON for scripts. */
enum OutputFormat {
    TABLE,
    JSON
}
