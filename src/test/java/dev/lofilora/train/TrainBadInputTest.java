package dev.lofilora.train;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.lora.LoraConfig;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.RandomWeights;
import dev.lofilora.tensor.SafetensorsWriter;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Bad input to `lofi train`: each fails with a message naming the file and the fix, and leaves no half-written output. */
class TrainBadInputTest {
    @TempDir
    Path tmp;

    private Path cache(boolean ssl, int... frames) {
        Path data = tmp.resolve("cache");
        CacheFixtures.write(data, TrainFixtures.tiny().transformerConfig(), 9, ssl, frames);
        return data;
    }

    private static TrainConfig run(String model, Path data, Path out) {
        return TrainConfig.of(model, data, out, ConfigFiles.defaults())
                .withLora(new LoraConfig(2, 4, true, LoraConfig.ACESTEP_TARGETS, null, 0))
                .with("max_steps", 2).with("checkpoint_every", 1).with("precision", "fp32").with("threads", 1);
    }

    private LofiException fails(TrainConfig c) {
        return assertThrows(LofiException.class, () -> new TrainJob(c).run(ProgressListener.NONE));
    }

    /** A model folder holding the tiny config and seeded weights (optionally without one tensor / with a bad shape). */
    private Path modelFolder(String drop, String reshape) throws IOException {
        Path dir = tmp.resolve("model-" + drop + reshape);
        Files.createDirectories(dir);
        var config = TrainFixtures.tiny().transformerConfig();
        Json.write(dir.resolve("config.json"), config.toJson());
        try (ACEStepTransformer2DModel m = new ACEStepTransformer2DModel(config, false)) {
            Map<String, Tensor> w = new java.util.LinkedHashMap<>(RandomWeights.stateDict(m, 1));
            w.remove(drop);
            if (w.containsKey(reshape)) w.put(reshape, w.get(reshape).t().contiguous());
            SafetensorsWriter.write(dir.resolve("diffusion_pytorch_model.safetensors"), w);
        }
        return dir;
    }

    @Test
    void missingModelFolderOrWeights() throws IOException {
        Path data = cache(false, 16);
        LofiException none = fails(run(tmp.resolve("nowhere").toString(), data, tmp.resolve("r1")));
        assertTrue(none.getMessage().contains("does not exist"), none.getMessage());
        Path onlyConfig = tmp.resolve("only-config");
        Files.createDirectories(onlyConfig);
        Json.write(onlyConfig.resolve("config.json"), TrainFixtures.tiny().transformerConfig().toJson());
        LofiException noWeights = fails(run(onlyConfig.toString(), data, tmp.resolve("r2")));
        assertTrue(noWeights.getMessage().contains("holds no transformer weights"), noWeights.getMessage());
        LofiException missing = fails(run(modelFolder("final_layer.linear.weight", "").toString(), data, tmp.resolve("r3")));
        assertTrue(missing.getMessage().contains("missing 1: final_layer.linear.weight"), missing.getMessage());
        assertFalse(Files.exists(tmp.resolve("r3")), "no run folder for a run that never started");
    }

    @Test
    void wrongShapesInTheWeights() throws IOException {
        LofiException e = fails(run(modelFolder("", "genre_embedder.weight").toString(), cache(false, 16), tmp.resolve("r")));
        assertTrue(e.getMessage().contains("genre_embedder.weight: module [64, 32] vs source [32, 64]"), e.getMessage());
    }

    @Test
    void emptyCorruptAndMismatchedCaches() throws IOException {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        LofiException e1 = fails(run("tiny", empty, tmp.resolve("r1")));
        assertTrue(e1.getMessage().contains("holds no track caches") && e1.getMessage().contains("lofi preprocess"),
                e1.getMessage());

        Path data = cache(false, 16, 18);
        Path bad = data.resolve("track_01.safetensors");
        byte[] bytes = Files.readAllBytes(bad);
        Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // truncated
        LofiException e2 = fails(run("tiny", data, tmp.resolve("r2")));
        assertTrue(e2.getMessage().contains("track_01.safetensors") && e2.getMessage().contains("not a valid track cache"),
                e2.getMessage());

        Path other = tmp.resolve("other");
        var wide = AceStepConfigs.withTextDim(TrainFixtures.tiny().transformerConfig(), 48);
        CacheFixtures.write(other, wide, 3, false, 16);
        LofiException e3 = fails(run("tiny", other, tmp.resolve("r3")));
        assertTrue(e3.getMessage().contains("was made for another model") && e3.getMessage().contains("track_00"),
                e3.getMessage());
        assertTrue(e3.getMessage().contains("text width 48"), e3.getMessage());
    }

    @Test
    void aFailingCheckpointWriteLeavesNoHalfWrittenCheckpoint() throws IOException {
        Path out = tmp.resolve("run");
        TrainJob job = new TrainJob(run("tiny", cache(false, 16), out), TrainPlugins.DEFAULT.withCheckpointHook(file -> {
            if (file.getFileName().toString().equals(CheckpointStore.OPTIMIZER)) throw new IOException("No space left on device");
        }));
        LofiException e = assertThrows(LofiException.class, () -> job.run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("step-000001") && e.getMessage().contains("No space left on device")
                && e.getMessage().contains("previous checkpoint is intact"), e.getMessage());
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            assertEquals(0, s.count(), "neither a step folder nor a temporary one is left");
        }
    }

    @Test
    void nonFiniteStepsAreSkippedThenTheRunStops() throws IOException {
        Path data = cache(false, 16);
        CacheFixtures.writeNaN(data.resolve("track_00.safetensors"));
        TrainResult r = new TrainJob(run("tiny", data, tmp.resolve("run")).with("max_steps", 20).with("max_bad_steps", 3))
                .run(ProgressListener.NONE);
        assertEquals(3, r.skippedSteps());
        assertEquals(3, r.finalStep());
        assertNotNull(r.failure());
        assertTrue(r.failure().contains("not finite for 3 steps in a row"), r.failure());
        assertTrue(Files.readString(tmp.resolve("run/train.log")).contains("step 1 skipped"));
        assertTrue(Files.readString(tmp.resolve("run/metrics.jsonl")).contains("\"skipped\":true"));
    }
}
