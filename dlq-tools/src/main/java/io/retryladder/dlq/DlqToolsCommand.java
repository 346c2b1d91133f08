package io.retryladder.dlq;

import io.retryladder.dlq.internal.BinaryFormat;
import io.retryladder.dlq.internal.EntryId;
import io.retryladder.dlq.internal.IntRange;
import io.retryladder.dlq.internal.KafkaFailures;
import io.retryladder.dlq.internal.TimeBound;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete.GenerateCompletion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** The dlq-tools command line: the top-level command, its subcommands and how failures become exit codes. */
@Command(
        name = "dlq-tools",
        mixinStandardHelpOptions = true,
        versionProvider = DlqToolsCommand.Version.class,
        description = {
            "Lists, inspects, replays and resolves the dead letters of a Retry Ladder pipeline.",
            "",
            "Settings come from options, then DLQ_TOOLS_* environment variables (DLQ_TOOLS_BOOTSTRAP_SERVERS sets"
                    + " bootstrap.servers), then the --config properties file; the first one found wins."
        },
        subcommands = {
            ListCommand.class,
            InspectCommand.class,
            StatsCommand.class,
            ReplayCommand.class,
            ResolveCommand.class,
            ExportCommand.class,
            ConfigCommand.class,
            GenerateCompletion.class,
            HelpCommand.class
        })
public final class DlqToolsCommand implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(DlqToolsCommand.class);

    @Spec
    CommandSpec spec;

    final ToolContext context;

    public DlqToolsCommand(ToolContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "Missing command: choose one of " + spec.subcommands().keySet());
    }

    /** Returns the command line, ready to execute, with exit codes and converters in place. */
    public static CommandLine commandLine(ToolContext context) {
        CommandLine commandLine = new CommandLine(new DlqToolsCommand(context));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.registerConverter(TimeBound.class, converter(TimeBound::parse));
        commandLine.registerConverter(IntRange.class, converter(IntRange::parse));
        commandLine.registerConverter(EntryId.class, converter(EntryId::parse));
        commandLine.registerConverter(
                BinaryFormat.class, converter(text -> BinaryFormat.valueOf(text.toUpperCase(Locale.ROOT))));
        commandLine.setExecutionExceptionHandler(new FailureHandler());
        addExitCodes(commandLine);
        return commandLine;
    }

    /** Runs the command line with {@code args} and returns the exit code. */
    public static int execute(ToolContext context, String... args) {
        return commandLine(context).execute(args);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private static void addExitCodes(CommandLine commandLine) {
        commandLine.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n");
        commandLine.getCommandSpec().usageMessage().exitCodeList(ExitCodes.descriptions());
        for (CommandLine subcommand : commandLine.getSubcommands().values()) {
            addExitCodes(subcommand);
        }
    }

    private static <T> ITypeConverter<T> converter(Function<String, T> parser) {
        return text -> {
            try {
                return parser.apply(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
    }

    /** Prints a failure as one line and returns its exit code. */
    private static final class FailureHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception failure, CommandLine commandLine, ParseResult parseResult) {
            PrintWriter err = commandLine.getErr();
            String command = commandLine.getCommandSpec().qualifiedName();
            if (failure instanceof ToolException tool) {
                err.println(command + ": " + tool.getMessage());
                log.debug("{} failed", command, failure);
                err.flush();
                return tool.exitCode();
            }
            if (failure instanceof KafkaException kafka) {
                err.println(command + ": " + KafkaFailures.describe("talk to Kafka", kafka));
                log.debug("{} failed", command, failure);
                err.flush();
                return ExitCodes.FAILURE;
            }
            err.println(command + " failed: " + failure);
            log.error("{} failed", command, failure);
            err.flush();
            return ExitCodes.FAILURE;
        }
    }

    /** Prints the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = DlqToolsCommand.class.getPackage().getImplementationVersion();
            return new String[] {"dlq-tools " + (version == null ? "(development build)" : version)};
        }
    }
}
