package io.retryladder.run;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** Builds the picocli command lines of this module's entry points. */
final class CommandLines {

    private CommandLines() {}

    /**
     * Returns a command line that prints to {@code out} and {@code err}, and reports invalid options
     * with the error, spelling suggestions and a pointer to --help rather than the whole usage text.
     */
    static CommandLine of(Object command, PrintStream out, PrintStream err) {
        return new CommandLine(command)
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .setParameterExceptionHandler(CommandLines::reportInvalid);
    }

    private static int reportInvalid(ParameterException error, String[] args) {
        CommandLine commandLine = error.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(error.getMessage());
        UnmatchedArgumentException.printSuggestions(error, err);
        err.println("Run " + commandLine.getCommandName() + " --help for the options.");
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }
}
