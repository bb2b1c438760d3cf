package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.pickle.PtCheckpoint;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lofi convert-checkpoint}: a pickled .pt/.pth state dict to safetensors, read by the restricted unpickler. */
@Command(name = "convert-checkpoint", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Reads a torch.save checkpoint (.pt/.pth, zip or legacy format) without Python and without running anything (a restricted unpickler refuses every global a state dict does not need) and writes its state dict as safetensors: the state_dict entry of a training checkpoint (or the file itself when it is one), the DDP prefix module. stripped, non-tensor entries and the optimizer state dropped.",
                "",
                "Exit codes: 0 written; 2 the checkpoint is refused, damaged or has no state dict; 3 internal error."
        })
public final class ConvertCheckpointCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<checkpoint.pt>", description = "The .pt/.pth file as published.")
    Path input;

    @Option(names = "--out", paramLabel = "<file>",
            description = "The safetensors file to write (default: the input with .safetensors in place of its extension).")
    Path out;

    @Override
    public Integer call() {
        Path target = out != null ? out : defaultTarget(input);
        if (target.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())) {
            throw new LofiException(target, "is the input itself", "give another --out");
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        try (PtCheckpoint ck = PtCheckpoint.open(input); PointerScope scope = new PointerScope()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            long bytes = 0;
            for (String name : ck.names()) {
                Tensor t = ck.tensor(name);
                bytes += t.nbytes();
                tensors.put(name, t);
            }
            Map<String, String> meta = new LinkedHashMap<>(ck.metadata());
            meta.put("lofi.converted_from", input.getFileName().toString());
            SafetensorsWriter.write(target, tensors, meta);
            summary.put("input", input.toString());
            summary.put("output", target.toString());
            summary.put("format", ck.format().name().toLowerCase());
            summary.put("stateDict", ck.stateDictEntry().isEmpty() ? "(root)" : ck.stateDictEntry());
            summary.put("tensors", tensors.size());
            summary.put("bytes", bytes);
            summary.put("skipped", ck.skippedKeys());
            summary.put("values", ck.topLevelValues());
        }
        PrintWriter w = spec.commandLine().getOut();
        if (common.json) {
            w.println(Json.toString(summary));
        } else {
            w.printf("%s → %s: %s tensors, %.1f MB (state dict from %s; %s format)%n", input, target, summary.get("tensors"),
                    ((Long) summary.get("bytes")) / 1e6, summary.get("stateDict"), summary.get("format"));
            if (!ck(summary).isEmpty()) w.println("left out (not tensors): " + ck(summary));
        }
        w.flush();
        return ExitCodes.OK;
    }

    @SuppressWarnings("unchecked")
    private static java.util.List<String> ck(Map<String, Object> summary) {
        return (java.util.List<String>) summary.get("skipped");
    }

    static Path defaultTarget(Path in) {
        String name = in.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return in.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".safetensors");
    }
}
