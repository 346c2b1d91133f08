package io.retryladder.envelope.config;

import java.util.Objects;
import org.apache.kafka.common.config.ConfigDef;

/** A validator that says in words what it accepts, for help text and the settings tables. */
public final class DescribedValidator implements ConfigDef.Validator {

    private final String description;
    private final ConfigDef.Validator check;

    private DescribedValidator(String description, ConfigDef.Validator check) {
        this.description = Objects.requireNonNull(description, "description");
        this.check = Objects.requireNonNull(check, "check");
    }

    public static ConfigDef.Validator of(String description, ConfigDef.Validator check) {
        return new DescribedValidator(description, check);
    }

    @Override
    public void ensureValid(String name, Object value) {
        check.ensureValid(name, value);
    }

    @Override
    public String toString() {
        return description;
    }
}
