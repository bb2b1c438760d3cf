package dev.lofilora.dataset.layout;

import dev.lofilora.dataset.sources.LicensePolicy;

import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class DatasetCheckerTest {
    @TempDir Path tmp;
    private Path out;
    private List<Map<String, Object>> entries;

    @BeforeEach
    void buildDataset() throws Exception {
        entries = DatasetFixtures.library(tmp.resolve("processed"), tmp.resolve("metadata"),
                new String[] {"chillhop"}, new int[] {10});
        out = tmp.resolve("final");
        new DatasetJob(DatasetConfig.of(tmp.resolve("processed"), tmp.resolve("metadata"), out, tmp.resolve("val"))
                .withRepeat(2), ProgressListener.NONE).run();
    }

    private DatasetCheckReport check() {
        return new DatasetChecker(tmp.resolve("metadata/sources.json"), LicensePolicy.defaults(), tmp).check(out);
    }

    @Test
    void aFreshDatasetHasNoProblems() {
        DatasetCheckReport r = check();
        assertEquals(List.of(), r.problems());
        assertEquals(9, r.audioFiles());
        assertEquals(18, r.rows());
        assertTrue(r.ok());
    }

    @Test
    void listsEveryKindOfProblem() throws Exception {
        String[] keys = Files.list(out).map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".wav"))
                .sorted().map(n -> n.substring(0, n.length() - 4)).toArray(String[]::new);
        // 1. a missing prompt file
        Files.delete(out.resolve(keys[0] + "_prompt.txt"));
        // 2. a missing audio file: the rows point at nothing and its texts are orphans
        Files.delete(out.resolve(keys[1] + ".wav"));
        // 3. a prompt edited after the dataset was built
        Files.writeString(out.resolve(keys[2] + "_prompt.txt"), "something else");
        // 4. two audio files with one key
        Files.copy(out.resolve(keys[3] + ".wav"), out.resolve(keys[3] + ".flac"));
        // 5. licence gaps: one disallowed, one unlisted
        entries.stream().filter(e -> e.get("name").equals(keys[4])).findFirst().orElseThrow().put("license", "CC-BY-NC-4.0");
        entries.removeIf(e -> e.get("name").equals(keys[5]));
        DatasetFixtures.writeSources(tmp.resolve("metadata"), entries);

        DatasetCheckReport r = check();
        String all = String.join("\n", r.problems());
        assertTrue(all.contains(keys[0] + "_prompt.txt: is missing"), all);
        assertTrue(all.contains("row \"" + keys[1] + "\" points to a missing file"), all);
        assertTrue(all.contains(keys[1] + "_prompt.txt: has no audio file beside it"), all);
        assertTrue(all.contains(keys[2] + "_prompt.txt: differs from its hf_dataset row's tags"), all);
        assertTrue(all.contains(keys[3] + ".wav: duplicate key \"" + keys[3] + "\""), all);
        assertTrue(all.contains(keys[4] + ".wav: licence 'CC-BY-NC-4.0' is not allowed"), all);
        assertTrue(all.contains(keys[5] + ".wav: has no entry in"), all);
        assertEquals(8, r.problems().size(), all); // the 7 above + the orphan lyrics file of keys[1]
        assertFalse(r.ok());
    }

    @Test
    void aFolderWithoutHfDatasetIsReported() throws Exception {
        DatasetJob.deleteTree(out.resolve("hf_dataset"));
        DatasetCheckReport r = check();
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).contains("hf_dataset: is missing"), r.problems().get(0));
    }

    @Test
    void aMissingFolderIsAUsageError() {
        assertThrows(LofiException.class, () -> new DatasetChecker(tmp.resolve("metadata/sources.json"),
                LicensePolicy.defaults(), tmp).check(tmp.resolve("nope")));
    }
}
