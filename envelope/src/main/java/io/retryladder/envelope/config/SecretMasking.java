package io.retryladder.envelope.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.types.Password;

/** Hides secret setting values before they are printed or logged. */
public final class SecretMasking {

    /** What a masked value prints as. */
    public static final String MASK = "[hidden]";

    /** Matches secret names, also misspelt ones such as pasword or secrt, since those are printed as given. */
    private static final Pattern SECRET_NAME =
            Pattern.compile(".*(pass|pasw|pwd|secr|jaas|token|tokn|cred|user\\.info|private|apikey|api\\.key).*");

    /** Matches the user information in a URL, as in https://user:password@host/. */
    private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    private SecretMasking() {}

    /** Returns whether a setting with this name holds a secret. */
    public static boolean isSecret(String name) {
        return SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    /**
     * Returns the value to print for a setting: the mask for secrets, otherwise the value with the
     * user information of any URL in it masked.
     */
    public static String printable(String name, Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Password || isSecret(name)) {
            return MASK;
        }
        return URL_USER_INFO.matcher(value.toString()).replaceAll(MASK + "@");
    }

    /** Returns a sorted copy of {@code settings} with every secret masked. */
    public static Map<String, String> masked(Map<String, ?> settings) {
        Map<String, String> printable = new TreeMap<>();
        settings.forEach((name, value) -> printable.put(name, printable(name, value)));
        return printable;
    }
}
