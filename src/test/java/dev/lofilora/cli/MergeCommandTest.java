package dev.lofilora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.lora.AdapterFiles;
import dev.lofilora.lora.MergeJob;
import dev.lofilora.lora.TinyAceStepFolder;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code lofi merge} and {@code lofi export-onnx --lora} on what the trainer writes: a {@code lofi train} run folder
 * (its newest checkpoint), a checkpoint folder (PEFT) and the {@code lofi export-lora} file all merge to the same
 * weights, {@code W + 2·B·A} (the shipped config's rsLoRA scale 32/√256 = 2, applied once: baked into B by the export).
 */
class MergeCommandTest {
    @TempDir
    Path tmp;

    private JsonNode merge(Path base, Path lora, String out) throws Exception {
        CliRun r = CliRun.of("merge", "--model", base.toString(), "--lora", lora.toString(), "--out",
                tmp.resolve(out).toString(), "--json", "--no-progress");
        assertEquals(0, r.exit(), r.err());
        return Json.MAPPER.readTree(r.out());
    }

    private Path weights(String out) {
        return tmp.resolve(out).resolve(MergeJob.TRANSFORMER_DIR).resolve("diffusion_pytorch_model.safetensors");
    }

    @Test
    void mergesARunFolderACheckpointAndAnExportLoraFileOfLofiTrainToTheSameWeights() throws Exception {
        Path run = tmp.resolve("runs/demo");
        CliRun t = CliRun.of("train", "--model", "tiny", "--data", TrainCommandTest.caches(tmp).toString(), "--out",
                run.toString(), "--max-steps", "3", "--checkpoint-every", "3", "--precision", "fp32", "--threads", "1",
                "--no-progress");
        assertEquals(0, t.exit(), t.err());
        CliRun e = CliRun.of("export-lora", run.toString(), "--out", tmp.resolve("export").toString());
        assertEquals(0, e.exit(), e.err());
        Path exported = tmp.resolve("export").resolve(AdapterFiles.ACESTEP_WEIGHTS);
        Path checkpoint = run.resolve("checkpoints/step-000003");
        Path base = TinyAceStepFolder.write(tmp.resolve("base"));

        JsonNode fromRun = merge(base, run, "from-run");
        JsonNode fromCheckpoint = merge(base, checkpoint, "from-checkpoint");
        JsonNode fromExport = merge(base, exported, "from-export");
        assertEquals(checkpoint.resolve(AdapterFiles.PEFT_WEIGHTS).toAbsolutePath().toString(),  // Jackson writes a Path as a file: URI
               
                Path.of(java.net.URI.create(fromRun.get("lora").asText())).toString(), "a run folder is its newest checkpoint");
        assertEquals("peft", fromCheckpoint.get("loraFormat").asText());
        assertEquals("lofi_export", fromExport.get("loraFormat").asText());
        assertEquals(2.0, fromCheckpoint.get("effectiveScale").asDouble(), 1e-12, "alpha/√r = 32/16");
        assertEquals(1.0, fromExport.get("effectiveScale").asDouble(), 1e-12, "the export's scale is baked into B");
        assertEquals(31, fromExport.get("layersMerged").asInt(), "the shipped targets on the tiny preset");
        assertArrayEquals(Files.readAllBytes(weights("from-checkpoint")), Files.readAllBytes(weights("from-run")));

        String key = "transformer_blocks.0.attn.to_q";
        try (NoGradGuard g = new NoGradGuard();
             SafetensorsFile b = SafetensorsFile.open(base.resolve(MergeJob.TRANSFORMER_DIR).resolve("diffusion_pytorch_model.safetensors"));
             SafetensorsFile c = SafetensorsFile.open(weights("from-checkpoint"));
             SafetensorsFile x = SafetensorsFile.open(weights("from-export"));
             SafetensorsFile a = SafetensorsFile.open(checkpoint.resolve(AdapterFiles.PEFT_WEIGHTS))) {
            for (String n : c.names()) {
                double diff = Tensors.maxAbsDiff(c.tensor(n), x.tensor(n));
                assertTrue(diff <= 1e-6 * Math.max(1e-30, Tensors.maxAbs(c.tensor(n))), n + ": checkpoint vs export " + diff);
            }
            Tensor w = b.tensor(key + ".weight");
            Tensor expected = w.to(ScalarType.Double).add(torch.matmul(a.tensor(key + ".lora_B.weight").to(ScalarType.Double),
                    a.tensor(key + ".lora_A.weight").to(ScalarType.Double)).mul(new Scalar(2.0)));   // float64 reference
            Tensor merged = c.tensor(key + ".weight");
            double moved = Tensors.maxAbsDiff(merged, w);
            System.out.printf("merge of a 3-step tiny run: %s moved by %.3g, off W + 2·B·A by %.3g%n", key, moved,
                    Tensors.maxAbsDiff(merged, expected));
            assertTrue(Tensors.maxAbsDiff(merged, expected) <= 1e-6 * Tensors.maxAbs(expected), "one fp32 rounding");
            assertTrue(moved > 100 * Tensors.maxAbsDiff(merged, expected), "the trained adapter moved the weight");
        }

        CliRun o = CliRun.of("export-onnx", "--model", "tiny", "--tier", "fp32", "--lora", run.toString(), "--no-verify",
                "--out", tmp.resolve("onnx").toString(), "--no-progress");
        assertEquals(0, o.exit(), o.err());
        JsonNode lora = Json.readTree(tmp.resolve("onnx/manifest.json")).get("lora");
        assertEquals(fromCheckpoint.get("loraSha256").asText(), lora.get("sha256").asText(), "the checkpoint's adapter");
        assertEquals(31, lora.get("layers_merged").asInt());
    }
}
