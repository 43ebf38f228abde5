package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a failed connect quotes of the router's log: the last line, and the client's own words when the last line is the supervisor's. */
class RouterLogWordsTest {
    @Test
    void theClientsOwnWordsComeWithTheSupervisorsLastLine() {
        String log = """
                2026-11-30T06:36:20+0000 [13833] client dbclient started as 13901
                /usr/bin/dbclient: Connection to np@127.0.0.1:35229 exited: Remote TCP forward request failed (port 46380)
                2026-11-30T06:36:23+0000 [13833] client exited with 1 after 1s; retrying in 1s
                """;

        assertThat(TunnelStarter.lastWords(log)).isEqualTo("2026-11-30T06:36:23+0000 [13833] client exited with 1 after 1s; retrying in 1s;"
                + " its client said before: /usr/bin/dbclient: Connection to np@127.0.0.1:35229 exited: Remote TCP forward request failed (port 46380)");
    }

    @Test
    void aLastLineOfTheClientsOwnIsQuotedAlone() {
        assertThat(TunnelStarter.lastWords("2026-11-30T06:36:20+0000 [1] client ssh started as 2\nPermission denied (publickey).\n"))
                .isEqualTo("Permission denied (publickey).");
    }

    @Test
    void aLogOfTheSupervisorsLinesOnlyGivesItsLastLine() {
        assertThat(TunnelStarter.lastWords("2026-11-30T06:36:20+0000 [1] supervisor v1 up\n2026-11-30T06:37:20+0000 [1] stopping: lease lapsed at 17\n"))
                .isEqualTo("2026-11-30T06:37:20+0000 [1] stopping: lease lapsed at 17");
    }
}
