package io.retryladder.dlq;

import java.time.Duration;

/**
 * Runs dlq-tools: {@code java -jar dlq-tools-all.jar <command> [options]}. On Ctrl-C or SIGTERM a
 * replay that is writing aborts its open transaction before the process ends; other commands end at
 * once.
 */
public final class DlqToolsMain {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private DlqToolsMain() {}

    public static void main(String[] args) {
        ToolContext context = ToolContext.system();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            context.stopSignal().request();
                            if (context.stopSignal().isGuarded()) {
                                context.stopSignal().awaitFinished(STOP_TIMEOUT);
                            }
                        },
                        "dlq-tools-shutdown"));
        int exitCode;
        try {
            exitCode = DlqToolsCommand.execute(context, args);
        } finally {
            context.stopSignal().finished();
        }
        System.exit(exitCode);
    }
}
