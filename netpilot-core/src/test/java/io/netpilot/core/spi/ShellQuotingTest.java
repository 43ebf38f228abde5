package io.netpilot.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class ShellQuotingTest {
    @Test
    void quotesInSingleQuotes() {
        assertThat(ShellQuoting.quote("plain")).isEqualTo("'plain'");
        assertThat(ShellQuoting.quote("")).isEqualTo("''");
    }

    @Test
    void writesASingleQuoteAsCloseEscapeReopen() {
        assertThat(ShellQuoting.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellQuoting.quote("'")).isEqualTo("''\\'''");
    }

    @Test
    void leavesShellSyntaxAsText() {
        assertThat(ShellQuoting.quote("a;rm -rf /")).isEqualTo("'a;rm -rf /'");
        assertThat(ShellQuoting.quote("$(id)`id`")).isEqualTo("'$(id)`id`'");
        assertThat(ShellQuoting.quote("line1\nline2")).isEqualTo("'line1\nline2'");
    }

    @Test
    void refusesNul() {
        assertThatThrownBy(() -> ShellQuoting.quote("a\0b")).isInstanceOf(InvalidInputException.class).hasMessageContaining("NUL");
    }

    @Test
    void quotesEveryWordOfACommand() {
        assertThat(ShellQuoting.command("kill", "-TERM", "42; reboot")).isEqualTo("'kill' '-TERM' '42; reboot'");
        assertThatThrownBy(ShellQuoting::command).isInstanceOf(IllegalArgumentException.class);
    }
}
