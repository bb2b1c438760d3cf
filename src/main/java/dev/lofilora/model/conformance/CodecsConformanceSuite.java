package dev.lofilora.model.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.JsonFields;
import dev.lofilora.common.LofiException;
import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.ConformanceSuite;
import dev.lofilora.conformance.GoldenFolder;
import dev.lofilora.conformance.SuiteResult;
import dev.lofilora.model.codec.CodecLoader;
import dev.lofilora.model.io.ComponentFolder;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.codec.MusicDcaeConfig;
import dev.lofilora.model.dcae.AutoencoderDC;
import dev.lofilora.model.dcae.DcaeConfig;
import dev.lofilora.model.mel.LogMelConfig;
import dev.lofilora.model.mel.LogMelSpectrogram;
import dev.lofilora.model.umt5.UMT5EncoderModel;
import dev.lofilora.model.vocoder.ADaMoSHiFiGANV1;
import dev.lofilora.model.vocoder.VocoderConfig;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The "codecs" golden suite (golden codecs README): one golden folder per frozen component — log-mel front end, the
 * MusicDCAE pipeline, DCAE, vocoder, UMT5 — each recomputed from its {@code io.safetensors} inputs, its
 * {@code config.json} and (except logmel) its {@code weights.safetensors}. The kind of a folder comes from its config
 * alone (a {@code _class_name}, or the fields it has), never from its name or set, so golden folders of other tiny
 * configs run the same way; the pipeline folder names its DCAE and vocoder folders in its config.
 */
public final class CodecsConformanceSuite implements ConformanceSuite {
    static final String IO = GoldenFolder.FLAT_GROUP;

    enum Kind { LOGMEL, PIPELINE, DCAE, VOCODER, UMT5 }

    @Override
    public String name() { return "codecs"; }

    @Override
    public boolean accepts(Path folder) {
        return Files.isRegularFile(folder.resolve("io.safetensors")) && GoldenFolder.isGoldenFolder(folder)
                && Files.isRegularFile(folder.resolve("config.json")) && kind(folder) != null;
    }

    /** The component a folder holds, from its config.json; null when it is none of them. */
    static Kind kind(Path folder) {
        JsonNode c;
        try {
            c = Json.readTree(folder.resolve("config.json"));
        } catch (LofiException e) {
            return null;
        }
        if (!c.isObject()) return null;
        String cls = c.path("_class_name").asText("");
        if (cls.equals(DcaeConfig.CLASS_NAME)) return Kind.DCAE;
        if (cls.equals(VocoderConfig.CLASS_NAME)) return Kind.VOCODER;
        if (!cls.isEmpty()) return null;
        if (c.has("dcae") && c.has("vocoder")) return Kind.PIPELINE;
        if (c.has("d_model") && c.has("num_heads") && c.has("d_kv")) return Kind.UMT5;
        if (c.has("n_fft") && c.has("n_mels") && c.has("hop_length")) return Kind.LOGMEL;
        return null;
    }

    @Override
    public SuiteResult compute(Path folder, ConformanceContext ctx) {
        Kind kind = kind(folder);
        SuiteResult.Builder out = SuiteResult.builder();
        ctx.progress().start("codecs " + kind.name().toLowerCase(java.util.Locale.ROOT), 1);
        try (NoGradGuard g = new NoGradGuard(); SafetensorsFile io = SafetensorsFile.open(folder.resolve("io.safetensors"))) {
            Sink sink = new Sink(ctx, out);
            Device device = ctx.device();
            switch (kind) {
                case LOGMEL -> logmel(folder, io, device, sink);
                case VOCODER -> vocoder(folder, io, device, sink);
                case DCAE -> dcae(folder, io, device, sink);
                case UMT5 -> umt5(folder, io, device, sink);
                case PIPELINE -> pipeline(folder, io, device, sink);
            }
            ctx.progress().advance(1, kind.name().toLowerCase(java.util.Locale.ROOT));
        } finally {
            ctx.progress().finish();
        }
        return out.build();
    }

    /** Puts only what the folder expects (so nothing is reported as unexpected), moved to the CPU. */
    private record Sink(ConformanceContext ctx, SuiteResult.Builder out) implements Capture {
        @Override
        public void put(String name, Tensor t) {
            if (ctx.expects(IO, name)) out.put(IO, name, t.detach().cpu());
        }
    }

    private static Tensor input(SafetensorsFile io, String name, Device device) {
        if (!io.contains(name)) {
            throw new LofiException(io.path(), "has no input \"" + name + "\"", "regenerate the golden folder");
        }
        return io.tensor(name).to(device, io.tensor(name).scalar_type());
    }

    private static void logmel(Path folder, SafetensorsFile io, Device device, Sink sink) {
        JsonFields f = new JsonFields(Json.readTree(folder.resolve("config.json")), folder.resolve("config.json"));
        if (f.bool("center", false) || !f.text("mode", "pow2_sqrt").equals("pow2_sqrt")
                || !f.text("mel_norm", "slaney").equals("slaney") || !f.text("mel_scale", "slaney").equals("slaney")
                || f.number("log_clamp_min", LogMelSpectrogram.LOG_CLAMP_MIN) != LogMelSpectrogram.LOG_CLAMP_MIN) {
            throw new LofiException(folder.resolve("config.json"), "asks for a log-mel variant ACE-Step does not use",
                    "only center=false, pow2_sqrt, slaney/slaney and log clamp 1e-5 are implemented");
        }
        LogMelConfig c = new LogMelConfig(f.integer("sampling_rate", 44100), f.integer("n_fft", 2048),
                f.integer("win_length", 2048), f.integer("hop_length", 512), f.integer("n_mels", 128),
                f.number("f_min", 40), f.number("f_max", 16000));
        try (LogMelSpectrogram mel = new LogMelSpectrogram(c)) {
            mel.to(device, ScalarType.Float);
            sink.put("logmel", mel.forward(input(io, "wav", device)));
        }
    }

    private static void vocoder(Path folder, SafetensorsFile io, Device device, Sink sink) {
        try (ADaMoSHiFiGANV1 v = CodecLoader.vocoder(new ComponentFolder(folder, "vocoder golden"), device)) {
            sink.put("wav", v.decode(input(io, "mel", device), sink));
        }
    }

    private static void dcae(Path folder, SafetensorsFile io, Device device, Sink sink) {
        MusicDcaeConfig ace = MusicDcaeConfig.ACE_STEP;
        try (AutoencoderDC d = CodecLoader.dcae(new ComponentFolder(folder, "DCAE golden"), device)) {
            Tensor raw = d.encode(input(io, "encoder_input", device));
            sink.put("encoder_output", raw);
            sink.put("encoder_output_ace", raw.sub(new Scalar(ace.shiftFactor())).mul(new Scalar(ace.scaleFactor())));
            sink.put("decoder_output", d.decode(input(io, "decoder_input", device)));
        }
    }

    private static void umt5(Path folder, SafetensorsFile io, Device device, Sink sink) {
        try (UMT5EncoderModel m = UMT5EncoderModel.load(new ComponentFolder(folder, "UMT5 golden"), device)) {
            sink.put("last_hidden_state", m.forward(input(io, "input_ids", device), input(io, "attention_mask", device),
                    sink));
        }
    }

    private static void pipeline(Path folder, SafetensorsFile io, Device device, Sink sink) {
        Path cfgFile = folder.resolve("config.json");
        JsonFields f = new JsonFields(Json.readTree(cfgFile), cfgFile);
        MusicDcaeConfig ace = MusicDcaeConfig.ACE_STEP;
        MusicDcaeConfig config = new MusicDcaeConfig(f.integer("source_sample_rate", ace.sourceSampleRate()),
                f.number("min_mel_value", ace.minMelValue()), f.number("max_mel_value", ace.maxMelValue()),
                f.number("shift_factor", ace.shiftFactor()), f.number("scale_factor", ace.scaleFactor()));
        Path dcaeDir = folder.resolve(f.text("dcae", "../dcae")).normalize();
        Path vocoderDir = folder.resolve(f.text("vocoder", "../vocoder")).normalize();
        try (MusicDcae codec = CodecLoader.musicDcae(config, new ComponentFolder(dcaeDir, "DCAE folder of " + cfgFile),
                new ComponentFolder(vocoderDir, "vocoder folder of " + cfgFile), device)) {
            sink.put("resampler_kernel", codec.resampler.kernel.value());
            MusicDcae.Encoded enc = codec.encode(input(io, "enc_wav48k", device), sink);
            sink.put("enc_latent_lengths", Tensors.fromLongArray(enc.lengths(), enc.lengths().length));
            codec.decode(input(io, "dec_latents", device), f.integer("decode_sr", 48000), sink);
        }
    }

}
