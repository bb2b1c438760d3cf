package dev.lofilora.listen;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.loudness.LoudnessMeter;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The listening server over plain HTTP: a whole session, loudness matching, and every refusal. */
class ListenServerTest {
    static final String SYS_A = "base-model", SYS_B = "lora-step-500";
    @TempDir Path tmp;
    Path a, b, scores;

    @BeforeEach
    void folders() throws Exception {
        // A: 8 clips already at the target (as lofi process leaves them); B: the same names, 12 dB quieter
        a = ListenFixtures.normalised(tmp.resolve("sys-one"), 8, 1, -20);
        b = ListenFixtures.clips(tmp.resolve("sys-two"), 8, 2, -12);
        Files.writeString(a.resolve("notes.txt"), "not audio, ignored");
        Files.writeString(a.resolve("clip_00_prompt.txt"), "lofi, chill");
        Files.copy(b.resolve("clip_00.wav"), a.resolve("only_in_a.wav"));
        Files.writeString(tmp.resolve("secret.wav"), "TOPSECRET");
        Files.createSymbolicLink(a.resolve("clip_99.wav"), Path.of("../secret.wav"));
        Files.copy(b.resolve("clip_01.wav"), b.resolve("clip_99.wav"));
        scores = tmp.resolve("metadata/quality_scores.json");
    }

    ListenConfig config() {
        return ListenConfig.of(a, b, scores, "tester").withNames(SYS_A, SYS_B).withPairs(6).withSeed(5L).withTargetLufs(-20);
    }

    static String answer(String choice) {
        return "{\"choice\":\"" + choice + "\",\"comment\":\" warm \",\"plays\":{\"a\":2,\"b\":1},"
                + "\"listening_seconds\":{\"a\":3.5,\"b\":1.25},\"answer_seconds\":9.5}";
    }

    private void assertNoLeak(String what, String text) {
        for (String secret : List.of(SYS_A, SYS_B, "sys-one", "sys-two", "clip_", tmp.toString())) {
            assertFalse(text.contains(secret), what + " reveals \"" + secret + "\": " + text);
        }
    }

    private static AudioBuffer wav(byte[] bytes, Path tmp) throws Exception {
        Path f = Files.createTempFile(tmp, "served", ".wav");
        Files.write(f, bytes);
        return WavFile.read(f);
    }

    @Test
    void servesABlindLoudnessMatchedSessionAndSavesEveryAnswerAtOnce() throws Exception {
        try (ListenServer server = ListenServer.start(config(), ProgressListener.NONE)) {
            int port = server.port();
            assertEquals("http://127.0.0.1:" + port + "/", server.url());
            RawHttp page = RawHttp.get(port, "/");
            assertEquals(200, page.status());
            assertTrue(page.header("Content-Security-Policy").contains("default-src 'none'"));
            assertNoLeak("the page", page.text() + RawHttp.get(port, "/listen.js").text());
            JsonNode session = ScoresFile.MAPPER.readTree(RawHttp.get(port, "/api/session").body());
            assertEquals(6, session.path("trials").asInt());
            assertEquals(1, session.path("next_trial").asInt());
            assertNoLeak("/api/session", session.toString());
            assertEquals(409, RawHttp.get(port, "/api/reveal").status(), "no reveal before the end");

            SessionRecord plan = ScoresFile.read(scores).session(server.sessionId());
            assertEquals(6, plan.trials().size());
            assertEquals(3, plan.trials().stream().filter(t -> t.left().equals(SYS_A)).count(), "balanced sides");
            for (SessionRecord.TrialRecord t : plan.trials()) {
                int n = t.trial();
                RawHttp trial = RawHttp.get(port, "/api/trial/" + n);
                assertEquals(200, trial.status());
                assertNoLeak("/api/trial/" + n, trial.text());
                AudioBuffer left = wav(RawHttp.get(port, "/api/trial/" + n + "/audio/A").body(), tmp);
                AudioBuffer right = wav(RawHttp.get(port, "/api/trial/" + n + "/audio/B").body(), tmp);
                assertEquals(48_000, left.sampleRate());
                assertEquals(2, right.channels());
                // matched: both at the target within 0.05 LU (B's clips were 12 dB off before)
                assertEquals(-20, LoudnessMeter.integratedLufs(left), 0.05, "trial " + n + " A");
                assertEquals(-20, LoudnessMeter.integratedLufs(right), 0.05, "trial " + n + " B");
                // the clip already at the target is served sample for sample (unity gain)
                boolean aLeft = t.left().equals(SYS_A);
                AudioBuffer original = WavFile.read(a.resolve(t.pair() + ".wav"));
                assertArrayEquals(original.samples()[0], (aLeft ? left : right).samples()[0]);
                assertEquals(0.0, aLeft ? t.leftGainDb() : t.rightGainDb());
                double lufsB = LoudnessMeter.integratedLufs(WavFile.read(b.resolve(t.pair() + ".wav")));
                assertTrue(lufsB < -24, "B's clip was quiet: " + lufsB);
                assertEquals(-20 - lufsB, aLeft ? t.rightGainDb() : t.leftGainDb(), 0.001, "B's gain makes up the difference");

                RawHttp answered = RawHttp.postJson(port, "/api/trial/" + n + "/answer", answer(n % 2 == 0 ? "left_better" : "right_much_better"));
                assertEquals(200, answered.status(), answered.text());
                List<RatingRecord> saved = ScoresFile.read(scores).ratingsOf(server.sessionId());
                assertEquals(n, saved.size(), "on disk before the page hears back");
                RatingRecord r = saved.get(n - 1);
                assertEquals(t.pair(), r.pair());
                assertEquals(t.left(), r.left().system());
                assertEquals(2, r.left().plays());
                assertEquals(1.25, r.right().listeningSeconds());
                assertEquals("warm", r.comment());
                assertEquals(n % 2 == 0 ? t.left() : t.right(), r.preferred());
                if (n < 6) assertNoLeak("the answer's response", answered.text());
                else {
                    JsonNode last = ScoresFile.MAPPER.readTree(answered.body());
                    assertTrue(last.path("complete").asBoolean());
                    assertEquals(t.left(), last.path("reveal").path("trials").get(5).path("A").asText(), "revealed at the end");
                }
            }
            assertTrue(server.awaitCompletion(Duration.ofSeconds(5)));
            assertEquals(200, RawHttp.get(port, "/api/reveal").status());
            assertEquals(Set.of(), ScoresFileTest.schemaErrors(scores));
            assertTrue(server.result().complete());
        }
    }

    @Test
    void refusesUnknownTrialsDoubleAnswersAndEveryMalformedRequest() throws Exception {
        try (ListenServer server = ListenServer.start(config(), ProgressListener.NONE)) {
            int p = server.port();
            String host = "127.0.0.1:" + p, origin = "http://127.0.0.1:" + p;
            byte[] ok = answer("same").getBytes(StandardCharsets.UTF_8);
            assertEquals(200, RawHttp.postJson(p, "/api/trial/1/answer", answer("same")).status());
            RawHttp twice = RawHttp.postJson(p, "/api/trial/1/answer", answer("left_better"));
            assertEquals(409, twice.status());
            assertTrue(twice.text().contains("already answered"), twice.text());
            assertEquals(404, RawHttp.postJson(p, "/api/trial/7/answer", answer("same")).status(), "6 trials only");
            assertEquals(404, RawHttp.postJson(p, "/api/trial/0/answer", answer("same")).status());
            assertEquals(404, RawHttp.get(p, "/api/trial/999999/audio/A").status());
            assertEquals(400, RawHttp.postJson(p, "/api/trial/2/answer", "{not json").status());
            assertEquals(400, RawHttp.postJson(p, "/api/trial/2/answer", answer("sames")).status());
            assertEquals(400, RawHttp.postJson(p, "/api/trial/2/answer", answer("same").replace("}", ",\"x\":1}")).status());
            assertEquals(400, RawHttp.postJson(p, "/api/trial/2/answer", answer("same").replace("9.5", "-1")).status());
            String longComment = answer("same").replace(" warm ", "x".repeat(2001));
            assertEquals(400, RawHttp.postJson(p, "/api/trial/2/answer", longComment).status());
            byte[] huge = ("{\"comment\":\"" + "x".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            assertEquals(413, RawHttp.send(p, "POST", "/api/trial/2/answer", host, origin, "application/json", huge).status());
            assertEquals(415, RawHttp.send(p, "POST", "/api/trial/2/answer", host, origin, "text/plain", ok).status());
            assertEquals(403, RawHttp.send(p, "POST", "/api/trial/2/answer", host, "http://evil.example", "application/json", ok).status());
            assertEquals(421, RawHttp.send(p, "GET", "/api/session", "evil.example:" + p, null, null, null).status(), "DNS rebinding");
            assertEquals(421, RawHttp.send(p, "GET", "/", null, null, null, null).status(), "no Host");
            for (String[] mp : new String[][] {{"DELETE", "/"}, {"PUT", "/api/session"}, {"HEAD", "/listen.js"},
                    {"GET", "/api/trial/2/answer"}, {"POST", "/api/trial/2"}, {"OPTIONS", "/api/trial/2/audio/A"},
                    {"PATCH", "/api/reveal"}, {"TRACE", "/"}}) {
                RawHttp r = RawHttp.send(p, mp[0], mp[1], host, null, null, null);
                assertEquals(405, r.status(), mp[0] + " " + mp[1]);
                assertNotNull(r.header("Allow"), mp[0] + " " + mp[1]);
            }
            assertEquals(400, RawHttp.get(p, "/api/session?debug=1").status());
            assertEquals(404, RawHttp.get(p, "/api/trial/1/audio/C").status());
            assertEquals(404, RawHttp.get(p, "/api/trial/01/audio/A").status());
            assertEquals(414, RawHttp.get(p, "/" + "a".repeat(2000)).status());
            // nothing lost, nothing added: exactly the one good answer is on disk
            ScoresDocument d = ScoresFile.read(scores);
            assertEquals(1, d.ratingsOf(server.sessionId()).size());
            assertEquals(Choice.SAME, d.ratings().get(0).choice());
            assertEquals(2, RawHttp.postJson(p, "/api/trial/2/answer", answer("same")).status() / 100, "still serving");
        }
    }

    @Test
    void pathTraversalOnEveryRouteIsRefused() throws Exception {
        try (ListenServer server = ListenServer.start(config(), ProgressListener.NONE)) {
            int p = server.port();
            List<String> routes = List.of("", "/listen.js", "/listen.css", "/api/session", "/api/reveal", "/api/trial/1",
                    "/api/trial/1/audio/A", "/api/trial/1/answer");
            List<String> escapes = List.of("/../../../../etc/passwd", "/..%2f..%2f..%2f..%2fetc%2fpasswd",
                    "/%2e%2e/%2e%2e/secret.wav", "/../secret.wav", "/..%5csecret.wav", "/./../sys-one/clip_00.wav",
                    "//etc/passwd", "/%252e%252e/secret.wav", "/%00../secret.wav", "/..;/secret.wav");
            List<String> tried = new ArrayList<>();
            for (String route : routes) {
                for (String escape : escapes) tried.add(route + escape);
                if (!route.isEmpty()) tried.add(route + "/");
            }
            tried.addAll(List.of("/api/trial/1/audio/A/../../../../../secret.wav", "/api/trial/..%2f..%2fsecret.wav/audio/A",
                    "/api/trial/1/audio/%2e%2e%2fsecret.wav", "/api/trial/1/audio/..", "/api/trial/%31/audio/A",
                    "/sys-one/clip_00.wav", "/clip_00.wav", "/secret.wav", "/api/trial/1/audio/A%00.wav",
                    "/api/trial/-1/audio/A", "/api/trial/1e0/audio/A"));
            for (String path : tried) {
                RawHttp r;
                try {
                    r = RawHttp.get(p, path);
                } catch (java.io.IOException closed) {
                    continue; // the JDK server may drop a request line it cannot parse: nothing was served
                }
                assertTrue(r.status() >= 400 && r.status() < 500, path + " -> " + r.status());
                String body = new String(r.body(), StandardCharsets.ISO_8859_1);
                assertFalse(body.contains("TOPSECRET") || body.contains("root:") || body.startsWith("RIFF"), path);
            }
            assertTrue(tried.size() >= 90, "tried " + tried.size());
            // a clip swapped for a link out of its folder after the start is refused at serve time
            SessionRecord.TrialRecord t = ScoresFile.read(scores).session(server.sessionId()).trials().get(0);
            Path clip = (t.left().equals(SYS_A) ? a : b).resolve(t.pair() + ".wav");
            Files.delete(clip);
            Files.createSymbolicLink(clip, tmp.resolve("secret.wav"));
            RawHttp swapped = RawHttp.get(p, "/api/trial/1/audio/A");
            assertEquals(404, swapped.status());
            assertFalse(swapped.text().contains("TOPSECRET"));
            assertEquals(200, RawHttp.get(p, "/api/trial/1/audio/B").status(), "the other side still plays");
        }
    }

    @Test
    void pairsOnlyAudioFilesInsideBothFolders() {
        ClipFolders.Pairing pairing = ClipFolders.pair(a, b);
        assertEquals(8, pairing.pairs().size(), "clip_00..07; not the link clip_99, not text files");
        assertEquals(List.of("only_in_a"), pairing.onlyInA());
        assertEquals(List.of("clip_99"), pairing.onlyInB());
        assertEquals(List.of(a.resolve("clip_99.wav")), pairing.outside());
        assertArrayEquals(new String[] {"sys-one", "sys-two"}, ClipFolders.systemIds(a, b));
        assertArrayEquals(new String[] {"step-1/samples", "step-2/samples"},
                ClipFolders.systemIds(Path.of("runs/x/step-1/samples"), Path.of("runs/x/step-2/samples")));
    }

    @Test
    void resumesASessionWithItsAnswersAndRefusesToRedoThem() throws Exception {
        String id;
        try (ListenServer server = ListenServer.start(config(), ProgressListener.NONE)) {
            id = server.sessionId();
            for (int n : new int[] {1, 2, 4}) {
                assertEquals(200, RawHttp.postJson(server.port(), "/api/trial/" + n + "/answer", answer("left_better")).status());
            }
        }
        try (ListenServer again = ListenServer.start(config().withResume(true), ProgressListener.NONE)) {
            assertEquals(id, again.sessionId());
            assertTrue(again.result().resumed());
            JsonNode s = ScoresFile.MAPPER.readTree(RawHttp.get(again.port(), "/api/session").body());
            assertEquals(3, s.path("answered").asInt());
            assertEquals(3, s.path("next_trial").asInt());
            assertEquals(409, RawHttp.postJson(again.port(), "/api/trial/2/answer", answer("same")).status());
            for (int n : new int[] {3, 5, 6}) {
                assertEquals(200, RawHttp.postJson(again.port(), "/api/trial/" + n + "/answer", answer("same")).status());
            }
            assertTrue(again.awaitCompletion(Duration.ofSeconds(5)));
        }
        ScoresDocument d = ScoresFile.read(scores);
        assertEquals(1, d.sessions().size(), "resumed, not restarted");
        assertEquals(List.of(1, 2, 4, 3, 5, 6), d.ratingsOf(id).stream().map(RatingRecord::trial).toList());
        LofiException done = assertThrows(LofiException.class,
                () -> ListenServer.start(config().withSession(id), ProgressListener.NONE));
        assertTrue(done.getMessage().contains("is complete (6 of 6 answered)"), done.getMessage());
        LofiException other = assertThrows(LofiException.class,
                () -> ListenServer.start(ListenConfig.of(a, b, scores, "someone-else").withSession(id), ProgressListener.NONE));
        assertTrue(other.getMessage().contains("belongs to rater \"tester\""), other.getMessage());
    }

    @Test
    void portInUseIsAClearErrorAndWritesNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            LofiException e = assertThrows(LofiException.class, () -> ListenServer.start(config().withPort(port), ProgressListener.NONE));
            assertTrue(e.getMessage().contains("port " + port + " on 127.0.0.1 is already in use"), e.getMessage());
            assertTrue(e.getMessage().contains("--port 0"), e.getMessage());
        }
        assertFalse(Files.exists(scores), "no session recorded for a server that never ran");
    }

    @Test
    void foldersWithoutACommonClipAreAClearError() throws Exception {
        Path c = ListenFixtures.clips(tmp.resolve("other"), 0, 3, 0);
        Files.writeString(c.resolve("zzz.txt"), "x");
        Files.copy(b.resolve("clip_01.wav"), c.resolve("different_name.wav"));
        LofiException e = assertThrows(LofiException.class,
                () -> ListenServer.start(ListenConfig.of(a, c, scores, "t"), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("has no clip in common with " + a), e.getMessage());
        assertTrue(e.getMessage().contains("B: different_name"), e.getMessage());
        assertTrue(e.getMessage().contains("paired by file name without extension"), e.getMessage());
        assertFalse(Files.exists(scores));
    }

    @Test
    void aClipThatIsNotAudioIsAClearError() throws Exception {
        Files.writeString(a.resolve("clip_03.wav"), "this is a text file with a .wav name");
        LofiException e = assertThrows(LofiException.class,
                () -> ListenServer.start(config().withPairs(0), ProgressListener.NONE));
        assertTrue(e.getMessage().startsWith(a.resolve("clip_03.wav") + ": (clip \"clip_03\" of system base-model) cannot be read as audio"),
                e.getMessage());
        assertTrue(e.getMessage().contains("replace it with an audio file"), e.getMessage());
        assertFalse(Files.exists(scores));
    }

    @Test
    void corruptScoresFileStopsTheServerBeforeItStartsAndIsKept() throws Exception {
        Files.createDirectories(scores.getParent());
        String corrupt = "{\"format\": \"lofi-lora quality_scores\", \"version\": 1,\n \"sessions\": [], \"ratings\": [}\n";
        Files.writeString(scores, corrupt);
        LofiException e = assertThrows(LofiException.class, () -> ListenServer.start(config(), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("is not valid JSON at line 2, column 30"), e.getMessage());
        assertEquals(corrupt, Files.readString(scores));
    }
}
