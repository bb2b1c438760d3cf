package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.export.ExportOnnxJob;
import dev.lofilora.export.Tier;
import dev.lofilora.export.graph.QuantOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lofi export-onnx}: ACE-Step as ONNX graphs at a tier, measured against libtorch (docs/cli.md). */
@Command(name = "export-onnx", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Export ACE-Step's four components as ONNX graphs (opset 21, external data) written from lofi's own module trees: text_encoder (UMT5), transformer_encode + transformer_decode (one denoising call; dynamic batch, frames and condition length), dcae_decoder and vocoder (weight norm folded). --tier sets the transformer's linear layers: fp32, fp16, int8 (per-channel, ONNX Runtime's quantize_dynamic arithmetic) or int4 (MatMulNBits, blocks of 128, ONNX Runtime's RTN arithmetic); norms, the linear-attention core and RoPE stay fp32; UMT5 goes to fp32/fp16/int8; the DCAE and vocoder never below fp16. Every graph is loaded in ONNX Runtime and compared with the libtorch module; manifest.json records tier, precisions, sizes, opset, the source's and LoRA's sha256 and those errors. lofi generate --engine onnx --model <out> runs the export.",
                "",
                "Exit codes: 0 exported; 2 bad tier, --precision, model folder, LoRA or --out (nothing is written); 3 internal error."
        })
public final class ExportOnnxCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "<dir|tiny>", description = "An ACE-Step v1 checkpoint folder or 'tiny'.")
    String model;

    @Option(names = "--tier", required = true, paramLabel = "<fp32|fp16|int8|int4>", description = "Precision tier of the transformer's linear layers.")
    String tier;

    @Option(names = "--precision", paramLabel = "<component=tier>", split = ",",
            description = "Per-component override, e.g. text_encoder=fp32 (components: text_encoder, transformer, dcae, vocoder; dcae/vocoder below fp16 and text_encoder=int4 are refused).")
    List<String> precision;

    @Option(names = "--lora", paramLabel = "<file|dir>", description = "A LoRA to fold into the transformer before exporting (any format lofi generate takes).")
    Path lora;

    @Option(names = "--lora-scale", paramLabel = "<s>", defaultValue = "1.0", description = "Its strength: 1.0 = as trained (default: ${DEFAULT-VALUE}).")
    double loraScale;

    @Option(names = "--acestep-lora-scale", description = "Apply --lora-scale as ACE-Step's own loader does (alpha ignored).")
    boolean acestepLoraScale;

    @Option(names = "--int4-symmetric", description = "4-bit blocks without zero points (default: asymmetric, ONNX Runtime's default).")
    boolean int4Symmetric;

    @Option(names = "--int8-signed", description = "int8 symmetric weights (quantize_dynamic's QInt8) for CPUs with VNNI or the CUDA EP (default: uint8 asymmetric; ONNX Runtime's u8·s8 kernel saturates on AVX2 without VNNI).")
    boolean int8Signed;

    @Option(names = "--lyric-vocab", paramLabel = "<file>", description = "ACE-Step's lyric vocabulary (default: the one beside the --model folder).")
    Path lyricVocab;

    @Option(names = "--no-verify", description = "Skip the comparison with libtorch (it loads each graph in ONNX Runtime next to the libtorch model).")
    boolean noVerify;

    @Option(names = "--verify-frames", paramLabel = "<n>", defaultValue = "16", description = "Latent frames of the verification inputs (default: ${DEFAULT-VALUE}).")
    int verifyFrames;

    @Option(names = "--threads", paramLabel = "<n>", defaultValue = "0", description = "ONNX Runtime threads for the verification; 0 = its default (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "The export folder to create.")
    Path out;

    @Option(names = "--force", description = "Replace --out when it exists.")
    boolean force;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (precision != null) {
            for (String p : precision) {
                int eq = p.indexOf('=');
                if (eq <= 0) throw new LofiException("--precision \"" + p + "\" is not component=tier", "e.g. --precision text_encoder=fp32");
                overrides.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
            }
        }
        ExportOnnxJob.Config c = new ExportOnnxJob.Config(model, lyricVocab, lora, loraScale, acestepLoraScale,
                Tier.parse(tier), overrides, new QuantOptions(int4Symmetric, int8Signed), out, force, !noVerify,
                verifyFrames, threads, common.config());
        ExportOnnxJob.Result r = new ExportOnnxJob(c).run(ConsoleProgress.create(common));
        PrintStream o = System.out;
        if (common.json) {
            o.println(Json.toString(r));
            return ExitCodes.OK;
        }
        o.printf("%-20s %-36s %12s %12s %12s%n", "part", "precision", "bytes", "max |err|", "rel. err");
        for (ExportOnnxJob.Part p : r.parts()) {
            o.printf(Locale.ROOT, "%-20s %-36s %12d %12s %12s%n", p.name(), p.precision(), p.bytes(),
                    p.error() == null ? "-" : String.format(Locale.ROOT, "%.3g", p.error().maxAbs()),
                    p.error() == null ? "-" : String.format(Locale.ROOT, "%.3g", p.error().maxRel()));
        }
        o.printf(Locale.ROOT, "%nexported %s at tier %s: %.1f MB in %.1f s (manifest.json has the details)%n", r.out(),
                r.tier(), r.bytes() / 1e6, r.seconds());
        return ExitCodes.OK;
    }
}
