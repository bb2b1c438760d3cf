package dev.lofilora.model.frozen;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.tokenizer.TinyTokenizers;
import dev.lofilora.model.umt5.Umt5TextEncoder;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.SafetensorsWriter;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the tiny preset as an ACE-Step checkpoint folder (music_dcae_f8c8/, music_vocoder/, umt5-base/ with
 * tokenizer.json, and lyric_vocab.json), so the loading path for released weights runs in tests without them.
 * UMT5 is saved as transformers saves it: the tied embedding once, as {@code shared.weight}.
 */
public final class TinyCheckpoint {
    private TinyCheckpoint() {}

    public static Path write(Path dir) throws IOException {
        TinyPreset p = TinyPreset.load(ConfigFiles.defaults());
        try (MusicDcae codec = p.musicDcae(Devices.cpu()); Umt5TextEncoder text = p.textEncoder(Devices.cpu())) {
            component(dir.resolve(FrozenComponents.DCAE_DIR), p.section("dcae"), codec.dcae,
                    "diffusion_pytorch_model.safetensors");
            component(dir.resolve(FrozenComponents.VOCODER_DIR), p.section("vocoder"), codec.vocoder,
                    "diffusion_pytorch_model.safetensors");
            Path umt5 = component(dir.resolve(FrozenComponents.TEXT_ENCODER_DIR), p.section("text_encoder"),
                    text.model(), "model.safetensors");
            Files.writeString(umt5.resolve("tokenizer.json"), p.textTokenizerJson());
        }
        Files.writeString(dir.resolve("lyric_vocab.json"), TinyTokenizers.lyricVocabJson(p.lyricVocabSize()));
        return dir;
    }

    private static Path component(Path dir, com.fasterxml.jackson.databind.JsonNode config, Module m, String file)
            throws IOException {
        Files.createDirectories(dir);
        Json.write(dir.resolve("config.json"), config);
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : m.stateDict().entrySet()) state.put(e.getKey(), e.getValue().value());
        SafetensorsWriter.write(dir.resolve(file), state);
        return dir;
    }
}
