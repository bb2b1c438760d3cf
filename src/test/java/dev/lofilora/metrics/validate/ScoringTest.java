package dev.lofilora.metrics.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** CLAP score pairs each clip with its own prompt by id; FAD and CLAP do not depend on the order clips come in. */
class ScoringTest {
    @TempDir
    Path tmp;

    private static float[] unit(Random r, int d) {
        float[] v = new float[d];
        double n = 0;
        for (int i = 0; i < d; i++) { v[i] = (float) r.nextGaussian(); n += v[i] * v[i]; }
        for (int i = 0; i < d; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    private static List<ClipEmbeddings> set(int n, long seed, Map<String, float[]> text) {
        Random r = new Random(seed);
        List<ClipEmbeddings> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[][] frames = new float[6][16];
            for (float[] f : frames) for (int j = 0; j < 16; j++) f[j] = (float) r.nextGaussian();
            String prompt = "prompt " + i;
            text.putIfAbsent(prompt, unit(r, 8));
            out.add(new ClipEmbeddings(new Clip("c" + i, Path.of("c" + i + ".wav"), prompt, i % 2 == 0 ? "a" : "b"),
                    Collections.singletonList(frames), List.of(unit(r, 8)), 5.0));
        }
        return out;
    }

    @Test
    void theSameClipsInAnotherOrderGiveTheSameScores() {
        Map<String, float[]> text = new HashMap<>();
        List<ClipEmbeddings> clips = set(12, 1, text), reference = set(20, 2, text);
        List<ClipEmbeddings> shuffled = new ArrayList<>(clips);
        Collections.shuffle(shuffled, new Random(3));
        Scoring.SetScores ref = Scoring.score(reference, text);
        Scoring.SetScores a = Scoring.score(clips, text), b = Scoring.score(shuffled, text);
        assertEquals(a.clap(), b.clap(), 0.0, "bit-identical CLAP score");
        assertEquals(Scoring.fad(a, ref.stats()).value(), Scoring.fad(b, ref.stats()).value(), 0.0, "bit-identical FAD");
        assertEquals(a.clapByClip(), b.clapByClip());
    }

    @Test
    void eachClipIsScoredAgainstItsOwnPrompt() {
        Map<String, float[]> text = new HashMap<>();
        List<ClipEmbeddings> clips = set(3, 4, text);
        Scoring.SetScores s = Scoring.score(clips, text);
        ClipEmbeddings c1 = clips.get(1);
        assertEquals(Scoring.dot(c1.clap().get(0), text.get("prompt 1")), s.clapByClip().get("c1"), 1e-12);
        assertEquals((s.clapByClip().get("c0") + s.clapByClip().get("c1") + s.clapByClip().get("c2")) / 3, s.clap(), 1e-12,
                "the plain mean, no ×100, no clamp");
        // Giving clip 1 another prompt changes its score and no other.
        text.put("other", text.get("prompt 2"));
        List<ClipEmbeddings> changed = new ArrayList<>(clips);
        changed.set(1, new ClipEmbeddings(new Clip("c1", c1.clip().audio(), "other", ""), c1.vggish(), c1.clap(), 5.0));
        Scoring.SetScores t = Scoring.score(changed, text);
        assertEquals(s.clapByClip().get("c0"), t.clapByClip().get("c0"));
        assertNotEquals(s.clapByClip().get("c1"), t.clapByClip().get("c1"));
    }

    @Test
    void promptsJsonOrderDoesNotChangeThePairing() throws IOException {
        Path a = ValidateFixtures.generatedWithPromptsJson(tmp.resolve("a"), 3, 5, 1.0, false);
        Path b = ValidateFixtures.generatedWithPromptsJson(tmp.resolve("b"), 3, 5, 1.0, true);
        List<Clip> ca = ClipFolders.generated(a), cb = ClipFolders.generated(b);
        for (int i = 0; i < 3; i++) {
            assertEquals(ca.get(i).id(), cb.get(i).id());
            assertEquals(ca.get(i).prompt(), cb.get(i).prompt());
            assertEquals(ValidateFixtures.prompt(i), ca.get(i).prompt(), "gen_" + i + " has prompt " + i);
        }
        Files.writeString(b.resolve("notes.txt"), "ignored");
        assertEquals(3, ClipFolders.generated(b).size(), "non-audio files are ignored");
    }

    @Test
    void checkpointStepsComeFromFolderNames() {
        assertEquals(500L, CheckpointAudio.of(Path.of("runs/x/step-000500")).step());
        assertEquals(1200L, CheckpointAudio.of(Path.of("checkpoint-1200")).step());
        assertEquals(3L, CheckpointAudio.of(Path.of("epoch3")).step());
        assertNull(CheckpointAudio.of(Path.of("baseline")).step());
        assertEquals("step-000500", CheckpointAudio.of(Path.of("runs/x/step-000500")).label());
    }
}
