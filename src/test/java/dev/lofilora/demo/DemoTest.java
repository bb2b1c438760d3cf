package dev.lofilora.demo;

import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.loudness.LoudnessMeter;
import dev.lofilora.audio.loudness.LoudnessReport;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.cache.TrackCacheFile;
import dev.lofilora.dataset.hf.HfDatasetReader;
import dev.lofilora.model.codec.MusicDcaeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The embedded default end to end: synthesise → process → prompts → dataset → preprocess → generate, small. */
class DemoTest {
    @TempDir Path dir;

    @Test
    void runsEveryStageAndResumes() throws Exception {
        DemoConfig config = new DemoConfig(dir, 2, 2, 8, 3, 1, 2, ConfigFiles.defaults());
        DemoResult r = new Demo(config).run(ProgressListener.NONE);

        assertEquals(4, r.clips().size());
        assertEquals(4, r.process().totals().files());
        assertTrue(r.process().allAccepted(), "every synthesised clip passes process");
        List<Path> outputs;
        try (Stream<Path> s = Files.walk(config.processedDir())) {
            outputs = s.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
        }
        assertEquals(4, outputs.size());
        for (Path out : outputs) {
            LoudnessReport l = LoudnessMeter.measure(WavFile.read(out));
            assertEquals(-14.0, l.integratedLufs(), 0.1, out.toString());
            assertTrue(l.truePeakItuDbtp() <= -1.0 && l.truePeakEbur128Dbtp() <= -1.0, out + " true peak " + l);
            String stem = out.getFileName().toString().replace(".wav", "");
            assertTrue(Files.exists(out.resolveSibling(stem + "_prompt.txt")));
            assertEquals("[instrumental]", Files.readString(out.resolveSibling(stem + "_lyrics.txt")).strip());
        }
        assertEquals(1, r.prompts().guessed(), "the unlabelled clip gets a guessed style");

        // both styles have two clips: stratification puts one of each into validation
        assertEquals(2, r.dataset().manifest().train().tracks());
        assertEquals(2, r.dataset().manifest().validation().tracks());
        var rows = HfDatasetReader.readAll(config.finalDir().resolve("hf_dataset"));
        assertEquals(2, rows.size());

        // preprocess --model tiny wrote one cache file per training track, T from the 48 kHz sample count
        assertEquals(2, r.preprocess().totals().encoded(), () -> "preprocess: " + r.preprocess().tracks());
        for (var t : r.preprocess().tracks()) {
            assertEquals(MusicDcaeConfig.latentFrames(t.samples48k()), t.latentFrames(), t.key());
            assertEquals("instrumental", t.lyricsLanguage());
            assertTrue(Files.exists(TrackCacheFile.pathOf(config.cacheDir(), t.key())));
        }

        // train --model tiny on those caches: the run finished, its last checkpoint is a PEFT adapter
        assertTrue(r.train().completed(), () -> "train: " + r.train());
        assertEquals(Demo.TRAIN_STEPS, r.train().finalStep());
        assertTrue(Double.isFinite(r.train().lastLoss()), "a finite loss");
        assertEquals(config.runDir().resolve("checkpoints").resolve(String.format("step-%06d", Demo.TRAIN_STEPS)),
                r.train().latestCheckpoint());
        assertTrue(Files.exists(r.train().latestCheckpoint().resolve("adapter_model.safetensors")));
        assertTrue(Files.exists(r.train().latestCheckpoint().resolve("adapter_config.json")));

        // generate --model tiny --lora <that checkpoint> ended the chain with a clip of the frame formula's length
        var clip = r.generate().items().get(0);
        assertEquals("generated", clip.status(), clip.message());
        assertEquals((int) (Demo.GENERATED_SECONDS * 44100 / 512 / 8), clip.frames());
        assertEquals(48000, WavFile.info(clip.audio()).sampleRate());
        assertTrue(Files.readString(clip.params()).contains(r.train().latestCheckpoint().getFileName().toString()),
                "generated with the adapter the demo trained");

        DemoResult again = new Demo(config).run(ProgressListener.NONE);
        assertEquals("unchanged", again.generate().items().get(0).status(), "and the generated clip");
        assertEquals(Demo.TRAIN_STEPS, again.train().startStep(), "the finished training run is resumed, not redone");
        assertEquals(4, again.process().totals().resumed(), "a second run skips the processed clips");
        assertEquals(2, again.preprocess().totals().unchanged(), "and the cached tracks");
    }
}
