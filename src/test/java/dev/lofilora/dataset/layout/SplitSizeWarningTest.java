package dev.lofilora.dataset.layout;

import dev.lofilora.common.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** A small set whose validation side is far larger than --split asks is not split without a word. */
class SplitSizeWarningTest {
    @TempDir Path tmp;

    @Test
    void fiveOfTwelveTracksInValidationAtSplit10PercentIsWarnedWithTheCounts() throws Exception {
        DatasetFixtures.library(tmp.resolve("processed"), tmp.resolve("metadata"),
                new String[] {"chillhop", "jazzhop", "lofi_hip_hop", "sad_lofi", "study_beats"}, new int[] {2, 2, 3, 2, 3});
        DatasetResult r = new DatasetJob(DatasetConfig.of(tmp.resolve("processed"), tmp.resolve("metadata"),
                tmp.resolve("final"), tmp.resolve("validation")).withSplit(0.1, 42), ProgressListener.NONE).run();
        assertEquals(5, r.manifest().validation().tracks());
        String w = r.manifest().warnings().stream().filter(s -> s.startsWith("validation holds")).findFirst().orElseThrow();
        assertEquals("validation holds 5 of 12 tracks (42 %), not the 10 % --split 0.1 asks for: every style with 2 or "
                + "more tracks gives at least 1 track to validation (validation per style: chillhop 1 of 2, jazzhop 1 of 2, "
                + "lofi_hip_hop 1 of 3, sad_lofi 1 of 2, study_beats 1 of 3); add tracks to small styles, or merge them, "
                + "to come closer to --split", w);
    }

    @Test
    void aSplitCloseToTheRequestedFractionSaysNothing() {
        assertNull(SplitSizeWarning.check(java.util.Collections.nCopies(40, "a"), java.util.Collections.nCopies(4, "a"), 0.1));
        assertNull(SplitSizeWarning.check(java.util.Collections.nCopies(10, "a"), java.util.Collections.nCopies(1, "a"), 0.1));
        assertNotNull(SplitSizeWarning.check(java.util.List.of("a", "a", "b", "b"), java.util.List.of("a", "b"), 0.1));
    }
}
