package dev.lofilora.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.lora.AdapterFile;
import dev.lofilora.lora.AdapterFiles;
import dev.lofilora.lora.AdapterFormat;
import dev.lofilora.lora.LoraConfig;
import dev.lofilora.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** A few steps of `lofi train --model tiny` through the engine API: the run folder and its files. */
class TrainJobTest {
    @TempDir
    Path tmp;

    static TrainConfig tinyRun(Path data, Path out) {
        return TrainConfig.of("tiny", data, out, ConfigFiles.defaults())
                .withLora(new LoraConfig(4, 8, true, LoraConfig.ACESTEP_TARGETS, null, 0))
                .with("max_steps", 6).with("checkpoint_every", 2).with("keep_checkpoints", 2)
                .with("precision", "fp32").with("threads", 1);
    }

    @Test
    void runFolderHoldsSnapshotMetricsChartAndTheNewestCheckpoints() throws Exception {
        Path data = tmp.resolve("cache");
        CacheFixtures.write(data, TrainFixtures.tiny().transformerConfig(), 1, false, 20, 26, 33);
        Path out = tmp.resolve("run");
        TrainResult r = new TrainJob(tinyRun(data, out)).run(ProgressListener.NONE);
        assertTrue(r.completed());
        assertEquals(6, r.finalStep());
        assertFalse(r.repa(), "no SSL features in the caches");
        assertEquals(31, r.wrappedLayers());
        JsonNode run = Json.readTree(out.resolve("run.json"));
        assertEquals(42, run.get("seed").asLong());
        assertTrue(run.get("versions").has("pytorch-presets"));
        assertEquals(4, run.at("/identity/lora/r").asInt());
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(6, lines.size());
        JsonNode m = Json.MAPPER.readTree(lines.get(0));
        assertEquals(0.0, m.get("lr").asDouble(), 0, "first step at lr 0");
        assertTrue(m.get("loss").asDouble() > 0 && m.has("grad_norm") && m.has("rss_mb") && m.has("step_seconds"));
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            assertEquals(List.of("step-000004", "step-000006"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.size(out.resolve("loss.png")) > 1000);
        assertTrue(Files.readString(out.resolve("train.log")).contains("REPA loss off"));
        try (AdapterFile a = AdapterFiles.read(r.latestCheckpoint())) {
            assertEquals(AdapterFormat.PEFT, a.format());
            assertEquals(62, a.weights().size());
            assertTrue(Tensors.maxAbs(a.weights().get("transformer_blocks.0.attn.to_q.lora_B.weight")) > 0,
                    "B moved away from zero");
        }
    }

    @Test
    void repaRunsWhenTheCachesHoldSslFeaturesAndAccumulationConsumesSeveralBatchesPerStep() throws Exception {
        Path data = tmp.resolve("cache");
        CacheFixtures.write(data, TrainFixtures.tiny().transformerConfig(), 2, true, 20, 24, 22);
        Path out = tmp.resolve("run");
        TrainResult r = new TrainJob(tinyRun(data, out).with("max_steps", 2).with("grad_accumulation", 2))
                .run(ProgressListener.NONE);
        assertTrue(r.repa(), "every cache holds ssl.mert and ssl.mhubert");
        JsonNode m = Json.MAPPER.readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(1));
        assertTrue(m.has("repa.mert") && m.has("repa.m-hubert"), m.toString());
        assertTrue(m.get("loss").asDouble() > m.get("denoising").asDouble(), "total = denoising + REPA");
        TrainingState st = CheckpointStore.readState(r.latestCheckpoint());
        assertEquals(new DataPosition(1, 1), st.position(), "2 steps × 2 micro-batches over 3 tracks per epoch");
        assertFalse(Files.readString(out.resolve("train.log")).contains("REPA loss off"));
    }

    @Test
    void bf16BaseKeepsTheAdapterGradientsAndOptimiserInFp32() throws Exception {
        Path data = tmp.resolve("cache");
        CacheFixtures.write(data, TrainFixtures.tiny().transformerConfig(), 3, false, 18);
        TrainResult fp32 = new TrainJob(tinyRun(data, tmp.resolve("fp32")).with("max_steps", 1)).run(ProgressListener.NONE);
        TrainResult bf16 = new TrainJob(tinyRun(data, tmp.resolve("bf16")).with("max_steps", 1).with("precision", "bf16"))
                .run(ProgressListener.NONE);
        // Same seed, same data: the first loss differs only by the bf16 rounding of the base weights and activations.
        assertEquals(fp32.firstLoss(), bf16.firstLoss(), 0.03 * fp32.firstLoss());
        assertNotEquals(fp32.firstLoss(), bf16.firstLoss(), "the base really ran in bf16");
        try (dev.lofilora.tensor.SafetensorsFile a = dev.lofilora.tensor.SafetensorsFile.open(
                bf16.latestCheckpoint().resolve("adapter_model.safetensors"));
             dev.lofilora.tensor.SafetensorsFile o = dev.lofilora.tensor.SafetensorsFile.open(
                     bf16.latestCheckpoint().resolve("optimizer.safetensors"))) {
            for (String n : a.names()) assertEquals("F32", a.info(n).dtype().safetensorsName(), n);
            for (String n : o.names()) assertEquals("F32", o.info(n).dtype().safetensorsName(), n);
        }
    }

    @Test
    void aSecondRunInTheSameFolderNeedsResume() {
        Path data = tmp.resolve("cache");
        CacheFixtures.write(data, TrainFixtures.tiny().transformerConfig(), 1, false, 20);
        Path out = tmp.resolve("run");
        new TrainJob(tinyRun(data, out).with("max_steps", 1)).run(ProgressListener.NONE);
        LofiException e = assertThrows(LofiException.class,
                () -> new TrainJob(tinyRun(data, out)).run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }
}
