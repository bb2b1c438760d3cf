package dev.lofilora.metrics.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The seeded validation prompt set generation will render: fixed per seed, K per style, read back by id. */
class PromptSetTest {
    @TempDir
    Path tmp;

    private static List<Clip> reference() {
        List<Clip> out = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            out.add(new Clip("t" + i, Path.of("t" + i + ".wav"), "prompt of t" + i, i < 5 ? "chillhop" : "jazzhop"));
        }
        return out;
    }

    @Test
    void isFixedBySeedWhateverTheListingOrder() {
        List<Clip> ref = reference(), shuffled = new ArrayList<>(ref);
        Collections.reverse(shuffled);
        PromptSet a = PromptSet.fromReference(ref, 3, 11), b = PromptSet.fromReference(shuffled, 3, 11);
        assertEquals(a, b);
        assertEquals(6, a.clips().size(), "3 per style × 2 styles");
        assertEquals(List.of("chillhop_00", "chillhop_01", "chillhop_02", "jazzhop_00", "jazzhop_01", "jazzhop_02"),
                a.clips().stream().map(PromptSet.Entry::id).toList());
        assertEquals(a.clips().get(3).source(), a.clips().get(5).source(),
                "jazzhop has 2 tracks: the third prompt repeats the first");
        assertNotEquals(a.clips().get(3).seed(), a.clips().get(5).seed(), "each repeat has its own generation seed");
        assertNotEquals(a, PromptSet.fromReference(ref, 3, 12), "another seed draws other tracks");
    }

    @Test
    void writesThePromptsJsonThatValidateReadsBack() throws IOException {
        PromptSet set = PromptSet.fromReference(reference(), 2, 5);
        Path dir = tmp.resolve("step-000100");
        java.nio.file.Files.createDirectories(dir);
        set.write(dir);
        for (PromptSet.Entry e : set.clips()) {
            dev.lofilora.audio.io.WavFile.write(dir.resolve(e.id() + ".wav"), ValidateFixtures.clip(e.seed(), 80, 0.5), 16);
        }
        List<Clip> clips = ClipFolders.generated(dir);
        assertEquals(4, clips.size());
        for (Clip c : clips) {
            PromptSet.Entry e = set.clips().stream().filter(x -> x.id().equals(c.id())).findFirst().orElseThrow();
            assertEquals(e.prompt(), c.prompt());
            assertEquals(e.style(), c.style());
        }
    }
}
