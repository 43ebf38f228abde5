package io.netpilot.ssh.internal;

import io.netpilot.core.InvalidInputException;
import io.netpilot.core.RemoteCommandException;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.ShellQuoting;
import io.netpilot.ssh.RouterKeyInstaller;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link RouterKeyInstaller} through one fixed script whose variable parts (the key, dropbear's
 * directory) are validated and quoted. Stateless, thread-safe.
 */
final class ShellRouterKeyInstaller implements RouterKeyInstaller {
    /** {@code TYPE BASE64 [COMMENT]} with a conservative comment alphabet. */
    static final Pattern KEY_LINE = Pattern.compile(
            "((?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\\.com"
                    + "|sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/]+={0,2})( [A-Za-z0-9@._+-]{1,64})?");
    private static final Pattern ABSOLUTE_DIR = Pattern.compile("/[A-Za-z0-9._/-]{0,250}");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final String dropbearDir;

    /** @param dropbearDir where dropbear keeps root's authorized_keys; {@code /etc/dropbear} on a router */
    ShellRouterKeyInstaller(String dropbearDir) {
        Objects.requireNonNull(dropbearDir, "dropbearDir");
        if (!ABSOLUTE_DIR.matcher(dropbearDir).matches()) {
            throw new InvalidInputException("dropbear directory must be a plain absolute path, not " + dropbearDir);
        }
        this.dropbearDir = dropbearDir;
    }

    @Override
    public boolean install(RemoteShell router, String publicKeyLine) {
        Objects.requireNonNull(publicKeyLine, "publicKeyLine");
        CommandResult r = router.exec(command(publicKeyLine.strip()), TIMEOUT)
                .orThrow("installing the agent key on " + router.address());
        String out = r.stdout().strip();
        if (out.endsWith("added")) {
            return true;
        }
        if (out.endsWith("present")) {
            return false;
        }
        throw new RemoteCommandException("installing the agent key on " + router.address()
                + " gave an unexpected answer: " + out + "; check the router's authorized_keys by hand");
    }

    /**
     * The script: root on a router with {@code dropbearDir} writes there; everyone else writes
     * {@code $HOME/.ssh/authorized_keys}. A key already there (compared without its comment) is kept.
     */
    String command(String publicKeyLine) {
        Matcher m = KEY_LINE.matcher(publicKeyLine);
        if (!m.matches()) {
            throw new InvalidInputException("not a public key line (TYPE BASE64 [COMMENT]): "
                    + (publicKeyLine.length() > 60 ? publicKeyLine.substring(0, 60) + "..." : publicKeyLine));
        }
        return String.join("\n",
                "umask 077",
                "key=" + ShellQuoting.quote(publicKeyLine),
                "body=" + ShellQuoting.quote(m.group(1)),
                "db=" + ShellQuoting.quote(dropbearDir),
                "if [ \"$(id -u)\" = 0 ] && [ -d \"$db\" ]; then",
                "  f=\"$db/authorized_keys\"",
                "else",
                "  [ -n \"$HOME\" ] && [ -d \"$HOME\" ] || { echo 'no home directory' >&2; exit 3; }",
                "  mkdir -p \"$HOME/.ssh\" && chmod 700 \"$HOME/.ssh\" || exit 4",
                "  f=\"$HOME/.ssh/authorized_keys\"",
                "fi",
                "[ -f \"$f\" ] || : > \"$f\" || exit 5",
                "chmod 600 \"$f\" || exit 6",
                "if grep -qF -- \"$body\" \"$f\"; then echo present; exit 0; fi",
                "if [ -s \"$f\" ] && [ -n \"$(tail -c 1 \"$f\")\" ]; then echo >> \"$f\"; fi",
                "printf '%s\\n' \"$key\" >> \"$f\" || exit 7",
                "echo added",
                "");
    }
}
