package dev.lofilora.infer;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.model.frozen.TinyCheckpoint;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.SafetensorsWriter;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The checkpoint-folder path of {@code generate} (the one released weights take), on the tiny preset written out as
 * an ACE-Step folder: it gives the same bytes as {@code --model tiny}, and a missing component folder is named.
 */
class CheckpointFolderGenerateTest {
    @TempDir
    Path tmp;

    @Test
    void aCheckpointFolderGeneratesWhatThePresetDoesAndAMissingComponentIsNamed() throws Exception {
        dev.lofilora.tensor.Threads threads = InferFixtures.singleThread();
        try {
            Path ckpt = TinyCheckpoint.write(tmp.resolve("ACE-Step-v1-tiny"));
            Path transformer = ckpt.resolve(Text2MusicPipeline.TRANSFORMER_DIR);
            Files.createDirectories(transformer);
            try (ACEStepTransformer2DModel m = InferFixtures.tiny(ScalarType.Float)) {
                Map<String, Tensor> state = new LinkedHashMap<>();
                for (Map.Entry<String, Parameter> e : m.stateDict().entrySet()) state.put(e.getKey(), e.getValue().value());
                SafetensorsWriter.write(transformer.resolve("diffusion_pytorch_model.safetensors"), state);
                Files.writeString(transformer.resolve("config.json"), Json.toString(m.config.toJson()));
            }
            GenerationItem item = new GenerationItem("clip", "lofi, rain", "[verse]\nquiet streets", 1.0, 5L);
            GenerateResult fromFolder = new GenerateJob(GenerateJobTest.config(List.of(item), tmp.resolve("a"))
                    .withModel(ckpt.toString())).run(ProgressListener.NONE);
            assertEquals("generated", fromFolder.items().get(0).status(), fromFolder.items().get(0).message());
            new GenerateJob(GenerateJobTest.config(List.of(item), tmp.resolve("b"))).run(ProgressListener.NONE);
            assertArrayEquals(Files.readAllBytes(tmp.resolve("b/clip.wav")), Files.readAllBytes(tmp.resolve("a/clip.wav")));

            try (Stream<Path> s = Files.walk(ckpt.resolve("music_vocoder"))) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            LofiException e = assertThrows(LofiException.class, () -> new GenerateJob(GenerateJobTest.config(
                    List.of(item), tmp.resolve("c")).withModel(ckpt.toString())).run(ProgressListener.NONE));
            assertTrue(e.getMessage().contains("music_vocoder") && e.getMessage().contains("does not exist"),
                    e.getMessage());
            assertFalse(Files.exists(tmp.resolve("c")), "nothing written");
        } finally {
            threads.close();
        }
    }
}
