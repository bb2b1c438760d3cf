package dev.lofilora.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.Json;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.ModelInspection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lofi inspect-model}: what an ACE-Step transformer folder holds, from its config and headers (docs/cli.md). */
@Command(name = "inspect-model", mixinStandardHelpOptions = true,
        description = {
                "Describe an ACE-Step transformer folder (config.json + diffusion_pytorch_model.safetensors, a sharded *.safetensors.index.json, or a golden folder's weights.safetensors) without loading any weights: config, dtypes on disk, parameter counts (from the config and from the file), missing/unexpected keys.",
                "",
                "Exit codes: 0 weights match the config; 1 they do not (keys or shapes); 2 no config or weights; 3 internal error."
        })
public final class InspectModelCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<model-dir>", description = "The transformer folder (e.g. .../ace_step_transformer).")
    Path dir;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelInspection r = ModelInspection.of(dir);
        PrintWriter out = spec.commandLine().getOut();
        if (common.json) out.println(Json.toString(toJson(r)));
        else render(r, out);
        out.flush();
        return r.matches() ? ExitCodes.OK : ExitCodes.ITEMS_FAILED;
    }

    static ObjectNode toJson(ModelInspection r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("folder", r.folder().toString());
        o.put("weights", r.weights().toString());
        o.set("config", r.config().toJson());
        o.put("width", r.config().width());
        o.put("tensors", r.tensors());
        o.set("dtypes", Json.MAPPER.valueToTree(r.dtypes()));
        o.put("parameters_from_config", r.parametersFromConfig());
        o.put("parameters_in_file", r.parametersInFile());
        o.put("bytes", r.bytes());
        o.put("matches", r.matches());
        o.set("missing", Json.MAPPER.valueToTree(r.missing()));
        o.set("unexpected", Json.MAPPER.valueToTree(r.unexpected()));
        o.set("shape_mismatches", Json.MAPPER.valueToTree(r.shapeMismatches()));
        o.set("unknown_config_fields", Json.MAPPER.valueToTree(r.config().unknownFields()));
        return o;
    }

    static void render(ModelInspection r, PrintWriter out) {
        AceStepConfig c = r.config();
        out.printf("model      %s (diffusers %s) in %s%n", c.className(),
                c.diffusersVersion().isEmpty() ? "?" : c.diffusersVersion(), r.folder());
        out.printf("weights    %s%n", r.weights());
        out.printf("shape      %d blocks, width %d = %d heads x %d, FFN %d, in/out channels %d/%d, patch %s%n",
                c.numLayers(), c.width(), c.numAttentionHeads(), c.attentionHeadDim(), c.ffnHidden(), c.inChannels(),
                c.outChannels(), c.patchSize());
        out.printf("conditions speaker %d, text %d, lyrics vocab %d x %d (Conformer %d blocks, %d heads)%n",
                c.speakerEmbeddingDim(), c.textEmbeddingDim(), c.lyricEncoderVocabSize(), c.lyricHiddenSize(),
                c.lyricEncoder().numBlocks(), c.lyricEncoder().attentionHeads());
        out.printf("repa       %s dims %s at blocks %s%n", c.sslNames(), c.sslLatentDims(), c.sslEncoderDepths());
        out.printf("tensors    %d, dtypes %s, %s%n", r.tensors(), r.dtypes(), human(r.bytes()));
        out.printf("parameters %,d from config, %,d in file%n", r.parametersFromConfig(), r.parametersInFile());
        if (!c.unknownFields().isEmpty()) out.println("config fields not used: " + String.join(", ", c.unknownFields()));
        if (r.matches()) {
            out.println("keys       all " + r.tensors() + " match the config's model");
        } else {
            list(out, "missing", r.missing());
            list(out, "unexpected", r.unexpected());
            list(out, "shape mismatches", r.shapeMismatches());
        }
    }

    private static void list(PrintWriter out, String what, List<String> keys) {
        if (keys.isEmpty()) return;
        out.println(what + " (" + keys.size() + "):");
        keys.stream().limit(20).forEach(k -> out.println("  " + k));
        if (keys.size() > 20) out.println("  … " + (keys.size() - 20) + " more (use --json for all)");
    }

    private static String human(long bytes) {
        if (bytes >= 1L << 30) return String.format("%.2f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format("%.2f MiB", bytes / (double) (1L << 20));
        return bytes + " bytes";
    }
}
