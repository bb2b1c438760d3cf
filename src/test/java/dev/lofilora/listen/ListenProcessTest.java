package dev.lofilora.listen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** {@code lofi listen} as a process: a stop signal ends it cleanly with every answer saved. */
class ListenProcessTest {
    @TempDir Path tmp;

    /**
     * SIGTERM runs the JVM's shutdown hooks exactly as Ctrl-C's SIGINT does (SIGINT itself is not sent: a JVM started
     * from a non-interactive shell, as CI runs Maven, may inherit it ignored).
     */
    @Test
    void stopSignalShutsDownCleanlyWithEveryAnswerSaved() throws Exception {
        Path a = ListenFixtures.normalised(tmp.resolve("one"), 6, 1, -14);
        Path b = ListenFixtures.clips(tmp.resolve("two"), 6, 2, 0);
        Path scores = tmp.resolve("metadata/quality_scores.json");
        try (ChildListen child = new ChildListen(tmp.resolve("listen.err"), List.of("--a", a.toString(), "--b", b.toString(), "--seed", "9",
                "--rater", "ann", "--scores", scores.toString(), "--no-progress"))) {
            assertTrue(child.stderr().contains("session "), child.stderr());
            for (int n : new int[] {1, 2}) {
                assertEquals(200, RawHttp.postJson(child.port, "/api/trial/" + n + "/answer", ListenServerTest.answer("same")).status());
            }
            assertTrue(child.terminate(30), "lofi listen stopped within 30 s of the signal");
            String err = child.stderr();
            String session = ScoresFile.read(scores).sessions().get(0).session();
            assertTrue(err.contains("stopped with 2 of 6 trials answered, all saved in " + scores + "; resume with --session " + session), err);
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", child.port).close(), "the port is released");
        }
        ScoresDocument doc = ScoresFile.read(scores);
        assertEquals(2, doc.ratings().size());
        assertEquals(Set.of(), ScoresFileTest.schemaErrors(scores));
        assertEquals("one", doc.sessions().get(0).systemA().id(), "system ids default to the folder names");
        try (var files = Files.list(scores.getParent())) {
            assertEquals(List.of(".quality_scores.json.lock", "quality_scores.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
