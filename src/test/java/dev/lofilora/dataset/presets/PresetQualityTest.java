package dev.lofilora.dataset.presets;

import dev.lofilora.audio.qc.CheckResult;
import dev.lofilora.audio.qc.QcThresholds;
import dev.lofilora.audio.qc.QualityChecks;
import dev.lofilora.audio.qc.Verdict;
import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.common.ConfigFiles;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every preset, rendered by the synthesiser, passes {@code process}'s quality checks with the default thresholds
 * (warnings allowed): the demo and the test fixtures never produce a clip the pipeline would reject.
 */
class PresetQualityTest {
    @Test
    void everyPresetRendersAClipThatNoQualityCheckFails() {
        StylePresets presets = StylePresets.load(ConfigFiles.defaults());
        QualityChecks checks = new QualityChecks(QcThresholds.defaults());
        LofiSynth synth = new LofiSynth();
        List<String> failures = new ArrayList<>();
        for (StylePreset p : presets.all()) {
            var clip = PresetSynth.render(synth, p, 11, 8);
            for (CheckResult r : checks.run(clip.audio(), 0)) {
                if (r.verdict() == Verdict.FAIL) failures.add(p.id() + ": " + r.check() + " " + r.detail());
            }
        }
        assertEquals(List.of(), failures);
    }
}
