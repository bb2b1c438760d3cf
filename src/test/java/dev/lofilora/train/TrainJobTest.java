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
