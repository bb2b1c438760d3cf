package dev.lofilora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.io.Signals;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.Json;
import dev.lofilora.listen.Choice;
import dev.lofilora.listen.RatingRecord;
import dev.lofilora.listen.ScoresFile;
import dev.lofilora.listen.SessionRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ListenCommandTest {
    @TempDir Path tmp;

    /** Three systems rated pairwise: a beats b 3:1, b beats c 2:1 (plus a tie), a beats c 2:0. */
    private Path scores() throws Exception {
        Path f = tmp.resolve("metadata/quality_scores.json");
        session(f, "s1", "a", "b", "+++-");
        session(f, "s2", "b", "c", "++-=");
        session(f, "s3", "a", "c", "++");
        return f;
    }

    private static void session(Path f, String id, String x, String y, String outcomes) throws Exception {
        List<SessionRecord.TrialRecord> trials = new ArrayList<>();
        for (int i = 0; i < outcomes.length(); i++) trials.add(new SessionRecord.TrialRecord(i + 1, "p" + i, x, y, 0, 0));
        SessionRecord s = new SessionRecord(id, "ann", "2025-05-01T09:00:00Z", 1, new SessionRecord.SystemRecord(x, "/" + x),
                new SessionRecord.SystemRecord(y, "/" + y), -14, trials);
        ScoresFile.appendSession(f, s);
        for (int i = 0; i < outcomes.length(); i++) {
            Choice c = switch (outcomes.charAt(i)) {
                case '+' -> Choice.LEFT_BETTER;
                case '-' -> Choice.RIGHT_BETTER;
                default -> Choice.SAME;
            };
            ScoresFile.appendRating(f, new RatingRecord(id, "ann", "2025-05-01T09:0" + i + ":00Z", i + 1, "p" + i,
                    new RatingRecord.SideRecord(x, 1, 1), new RatingRecord.SideRecord(y, 1, 1), c,
                    c == Choice.SAME ? null : c == Choice.LEFT_BETTER ? x : y, c == Choice.SAME ? 0 : 1, "", 3));
        }
    }

    @Test
    void summaryJsonGivesWinRatesBradleyTerryAgreementAndWritesTheChart() throws Exception {
        Path f = scores();
        CliRun r = CliRun.of("listen", "--summary", "--scores", f.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertEquals(3, j.path("sessions").asInt());
        assertEquals(10, j.path("trials").asInt());
        assertEquals(9, j.path("decisive").asInt());
        JsonNode ab = j.path("pairs").get(0);
        assertEquals("a", ab.path("system").asText());
        assertEquals("b", ab.path("other").asText());
        assertEquals(0.75, ab.path("win_rate").asDouble(), 1e-12);
        assertEquals(0.625, ab.path("sign_test_p").asDouble(), 1e-12, "2·(4 + 1)/16");
        assertEquals(1, j.path("pairs").get(1).path("same").asInt() + j.path("pairs").get(2).path("same").asInt());
        assertEquals(3, j.path("bradley_terry").path("systems").size());
        assertEquals("a", j.path("bradley_terry").path("systems").get(0).path("system").asText());
        assertTrue(j.path("agreement").path("alpha").isNull(), "one rater: no agreement to measure");
        Path png = tmp.resolve("metadata/quality_scores_summary.png");
        assertEquals(png.toString(), j.path("chart").asText());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(170 + 3 * 70, img.getHeight(), "one bar per pair of systems");
    }

    @Test
    void summaryTextNamesEveryPair() throws Exception {
        CliRun r = CliRun.of("listen", "--summary", "--scores", scores().toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("3 sessions (3 complete), 1 raters, 3 systems, 10 trials (9 decisive)"), r.out());
        assertTrue(r.out().matches("(?s).*a vs b\\s+4\\s+3-1\\s+0\\s+0\\s+75\\.0 %.*"), r.out());
        assertTrue(r.out().contains("Bradley-Terry strengths"), r.out());
        assertTrue(r.out().contains("Krippendorff's alpha"), r.out());
    }

    @Test
    void summaryOfAMissingOrCorruptFileExitsTwoAndKeepsTheFile() throws Exception {
        CliRun missing = CliRun.of("listen", "--summary", "--scores", tmp.resolve("none.json").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("none.json: does not exist"), missing.err());
        Path f = tmp.resolve("q.json");
        Files.writeString(f, "{\"format\": \"lofi-lora quality_scores\",\n\"version\": 1, \"sessions\": [] \"ratings\": []}");
        CliRun corrupt = CliRun.of("listen", "--summary", "--scores", f.toString());
        assertEquals(2, corrupt.exit());
        assertTrue(corrupt.err().contains("is not valid JSON at line 2, column 30"), corrupt.err());
        assertFalse(Files.exists(tmp.resolve("q_summary.png")));
        assertTrue(Files.readString(f).startsWith("{\"format\""));
    }

    @Test
    void badRatingInputExitsTwoWithTheReason() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        WavFile.write(a.resolve("one.wav"), Signals.sine(48_000, 440, 0.3, 1, 2), 16);
        WavFile.write(b.resolve("two.wav"), Signals.sine(48_000, 440, 0.3, 1, 2), 16);
        CliRun none = CliRun.of("listen", "--a", a.toString(), "--b", b.toString(), "--scores", tmp.resolve("s.json").toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("has no clip in common with"), none.err());
        CliRun missing = CliRun.of("listen", "--a", a.toString(), "--scores", tmp.resolve("s.json").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("--a and --b are needed"), missing.err());
        WavFile.write(b.resolve("one.wav"), Signals.sine(48_000, 330, 0.3, 1, 2), 16);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CliRun busy = CliRun.of("listen", "--a", a.toString(), "--b", b.toString(), "--port",
                    String.valueOf(taken.getLocalPort()), "--scores", tmp.resolve("s.json").toString(), "--no-progress");
            assertEquals(2, busy.exit());
            assertTrue(busy.err().contains("error: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"), busy.err());
        }
        assertFalse(Files.exists(tmp.resolve("s.json")));
    }

    @Test
    void helpShowsTheDefaults() {
        CliRun r = CliRun.of("listen", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().replaceAll("\\s+", " ").contains("(default: data/metadata/quality_scores.json)"), r.out());
        assertFalse(r.err().contains("WARN"), r.err());
        assertTrue(r.out().contains("--pairs") && r.out().contains("--summary") && r.out().contains("--resume"), r.out());
    }
}
