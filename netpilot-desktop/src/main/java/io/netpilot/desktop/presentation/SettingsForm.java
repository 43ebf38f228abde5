package io.netpilot.desktop.presentation;

import io.netpilot.core.ConnectArgs;
import io.netpilot.core.Durations;
import io.netpilot.core.InvalidInputException;
import io.netpilot.state.UserConfig;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Settings dialog: the relay ({@code user@host[:port]}), its key, the tunnel user, the port range
 * and the lease, validated as the CLI validates them and saved to the home's {@code config.json}, the
 * file {@code netpilot connect} reads its defaults from. Not thread-safe: the EDT owns it.
 */
public final class SettingsForm {
    /** The fields, each a value of {@code config.json}. */
    public enum Field {
        /** The relay, {@code user@host[:port]}. */
        RELAY(UserConfig::relay),
        /** The relay's private key file. */
        RELAY_KEY(UserConfig::relayKey),
        /** The relay account routers log in to. */
        TUNNEL_USER(UserConfig::tunnelUser),
        /** The relay port range, {@code A-B}. */
        PORT_RANGE(UserConfig::portRange),
        /** The lease, such as {@code 2m}. */
        LEASE_TTL(UserConfig::leaseTtl);

        private final Function<UserConfig, Optional<String>> saved;

        Field(Function<UserConfig, Optional<String>> saved) {
            this.saved = saved;
        }
    }

    private final Path file;
    private final Map<Field, String> values = new EnumMap<>(Field.class);

    /** @param file the home's {@code config.json}; its values fill the fields */
    public SettingsForm(Path file) {
        this.file = file;
        UserConfig c = UserConfig.read(file);
        for (Field f : Field.values()) {
            values.put(f, f.saved.apply(c).orElse(""));
        }
    }

    /** {@return what {@code field} holds; blank means "the default"} */
    public String get(Field field) {
        return values.get(field);
    }

    /** Sets {@code field} to what was typed, without surrounding white space. */
    public void set(Field field, String typed) {
        values.put(field, typed.strip());
    }

    /** The first problem, in the CLI's words; empty when Save may be pressed. Blank fields mean "the default". */
    public Optional<String> problem() {
        String relay = get(Field.RELAY);
        String leaseTtl = get(Field.LEASE_TTL);
        Optional<Path> relayKey = opt(Field.RELAY_KEY).map(Path::of);
        try {
            if (!relay.isEmpty()) {
                // the CLI's own parse, with a sample router, checks every relay-side value at once
                ConnectArgs.parse("root@192.0.2.1", 22, relay, opt(Field.TUNNEL_USER), opt(Field.PORT_RANGE), Optional.empty(),
                        Durations.parse(leaseTtl.isEmpty() ? "2m" : leaseTtl), Optional.empty(), relayKey, false);
            } else {
                opt(Field.PORT_RANGE).ifPresent(io.netpilot.core.PortRange::parse);
                opt(Field.LEASE_TTL).ifPresent(Durations::parse);
                relayKey.ifPresent(k -> ConnectArgs.parse("root@192.0.2.1", 22, "tunnel@192.0.2.2", Optional.empty(), Optional.empty(),
                        Optional.empty(), Durations.parse("2m"), Optional.empty(), Optional.of(k), false));
            }
            return Optional.empty();
        } catch (InvalidInputException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Saves to {@code config.json} (other fields in it are kept).
     *
     * @return what was saved
     * @throws InvalidInputException when a value is bad (nothing is written)
     */
    public UserConfig save() {
        problem().ifPresent(p -> {
            throw new InvalidInputException(p);
        });
        UserConfig c = new UserConfig(opt(Field.RELAY), opt(Field.RELAY_KEY), opt(Field.TUNNEL_USER), opt(Field.PORT_RANGE),
                opt(Field.LEASE_TTL));
        c.write(file);
        return c;
    }

    private Optional<String> opt(Field field) {
        return Optional.of(get(field)).filter(v -> !v.isEmpty());
    }
}
