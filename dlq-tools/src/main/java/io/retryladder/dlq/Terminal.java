package io.retryladder.dlq;

import java.io.Console;

/** The interactive terminal a command may ask questions on and draw a progress bar to, if any. */
public interface Terminal {

    /** Returns whether a person can answer questions and watch a progress bar redrawn in place. */
    boolean isInteractive();

    /** Prints {@code prompt} and returns the line typed, or null at end of input. */
    String readLine(String prompt);

    /** Returns the terminal of this process: the console when standard input and output are a terminal. */
    static Terminal system() {
        Console console = System.console();
        if (console == null) {
            return none();
        }
        return new Terminal() {
            @Override
            public boolean isInteractive() {
                return true;
            }

            @Override
            public String readLine(String prompt) {
                return console.readLine("%s", prompt);
            }
        };
    }

    /** Returns the absence of a terminal, as when output goes to a pipe or a file. */
    static Terminal none() {
        return new Terminal() {
            @Override
            public boolean isInteractive() {
                return false;
            }

            @Override
            public String readLine(String prompt) {
                return null;
            }
        };
    }
}
