package dev.lofilora.model.frozen;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Loading the frozen components from a checkpoint folder (the path released weights take), on a tiny one. */
class FrozenComponentsTest {
    @TempDir Path tmp;

    @Test
    void aCheckpointFolderLoadsByNameAndComputesWhatThePresetComputes() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ACE-Step"));
        try (PointerScope s = new PointerScope();
             FrozenComponents loaded = FrozenComponents.load(ckpt, null, Devices.cpu(), false);
             FrozenComponents tiny = TinyPreset.load(ConfigFiles.defaults()).frozenComponents(Devices.cpu())) {
            torch.manual_seed(11);
            Tensor x = torch.randn(1, 2, 48000).mul(new Scalar(0.1));
            assertTrue(Tensors.bitIdentical(tiny.codec().encode(x), loaded.codec().encode(x)));
            List<String> prompts = List.of("lofi hip hop, chill", "rainy night");
            assertTrue(Tensors.bitIdentical(tiny.textEncoder().encode(prompts).hiddenStates(),
                    loaded.textEncoder().encode(prompts).hiddenStates()));
            assertEquals(ckpt.resolve("lyric_vocab.json").toString(), loaded.lyricTokenizer().source());
            assertEquals(tiny.stamps().get("dcae").dims(), loaded.stamps().get("dcae").dims());
            assertEquals(tiny.stamps().get("lyric_tokenizer"), loaded.stamps().get("lyric_tokenizer"));
            assertNotEquals(tiny.stamps().get("dcae").hash(), loaded.stamps().get("dcae").hash(),
                    "a checkpoint is hashed by its files, the preset by its seeded config");
        }
        try (FrozenComponents rounded = FrozenComponents.load(ckpt, null, Devices.cpu(), true);
             FrozenComponents exact = FrozenComponents.load(ckpt, null, Devices.cpu(), false)) {
            assertNotEquals(exact.stamps().get("dcae").hash(), rounded.stamps().get("dcae").hash(),
                    "bf16 rounding is part of the stamp, so caches of the two do not mix");
            var w = rounded.textEncoder().model().shared.weight.value();
            assertTrue(Tensors.bitIdentical(w, w.to(torch.ScalarType.BFloat16).to(torch.ScalarType.Float)));
        }
    }

    @Test
    void aMissingComponentFolderOrABrokenTokenizerIsNamed() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ACE-Step"));
        Path vocoder = ckpt.resolve(FrozenComponents.VOCODER_DIR);
        Files.move(vocoder, tmp.resolve("elsewhere"));
        LofiException e = assertThrows(LofiException.class, () -> FrozenComponents.load(ckpt, null, Devices.cpu(), false));
        assertTrue(e.getMessage().startsWith(vocoder.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
        Files.move(tmp.resolve("elsewhere"), vocoder);

        Path tokenizer = ckpt.resolve(FrozenComponents.TEXT_ENCODER_DIR).resolve("tokenizer.json");
        Files.writeString(tokenizer, "{\"version\": \"1.0\", \"model\": {\"type\": \"Unigram\"");
        e = assertThrows(LofiException.class, () -> FrozenComponents.load(ckpt, null, Devices.cpu(), false));
        assertTrue(e.getMessage().startsWith(tokenizer.toString()) && e.getMessage().contains("does not load"), e.getMessage());

        Files.delete(ckpt.resolve("lyric_vocab.json"));
        e = assertThrows(LofiException.class, () -> FrozenComponents.load(ckpt, null, Devices.cpu(), false));
        assertTrue(e.getMessage().contains("no lyric vocabulary") && e.getMessage().contains("--lyric-vocab"), e.getMessage());

        Path weights = ckpt.resolve(FrozenComponents.DCAE_DIR).resolve("diffusion_pytorch_model.safetensors");
        Files.delete(weights);
        Files.writeString(tmp.resolve("v.json"), dev.lofilora.model.tokenizer.TinyTokenizers.lyricVocabJson(512));
        e = assertThrows(LofiException.class, () -> FrozenComponents.load(ckpt, tmp.resolve("v.json"), Devices.cpu(), false));
        assertTrue(e.getMessage().contains("music_dcae_f8c8") && e.getMessage().contains("no weights"), e.getMessage());
    }
}
