package dev.lofilora.model.transformer;

import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Safetensors;
import dev.lofilora.tensor.TensorInfo;
import dev.lofilora.tensor.TensorSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code lofi inspect-model} reports about a transformer folder, read from the config and the safetensors
 * headers only (no tensor data is read, nothing is allocated): the config, the dtypes on disk, the parameter count
 * the config implies and the one the file holds, and the keys that do not match the model the config builds.
 *
 * @param folder                the inspected folder
 * @param weights               the weights file (a .safetensors file or a shard index)
 * @param config                the parsed config.json
 * @param tensors               number of tensors in the weights
 * @param dtypes                tensor count per safetensors dtype ("BF16" → 1234)
 * @param parametersFromConfig  parameters of the model built from the config (on meta)
 * @param parametersInFile      elements of all tensors in the weights
 * @param bytes                 total tensor data bytes in the weights
 * @param missing               model keys absent from the weights
 * @param unexpected            weight keys the model does not have
 * @param shapeMismatches       "key: model [..] vs file [..]"
 */
public record ModelInspection(Path folder, Path weights, AceStepConfig config, int tensors, Map<String, Long> dtypes,
                              long parametersFromConfig, long parametersInFile, long bytes, List<String> missing,
                              List<String> unexpected, List<String> shapeMismatches) {

    /** Whether the weights hold exactly the keys and shapes of the config's model. */
    public boolean matches() {
        return missing.isEmpty() && unexpected.isEmpty() && shapeMismatches.isEmpty();
    }

    /**
     * Inspects {@code folder} ({@code config.json} plus {@code diffusion_pytorch_model.safetensors}, a shard index,
     * or a golden folder's {@code weights.safetensors}); throws {@link dev.lofilora.common.LofiException} for a
     * folder without config or weights.
     */
    public static ModelInspection of(Path folder) {
        Path weights = AceStepTransformerLoader.weightsOf(folder);
        AceStepConfig config = AceStepConfig.read(folder.resolve("config.json"));
        try (ACEStepTransformer2DModel model = new ACEStepTransformer2DModel(config, false);
             TensorSource source = Safetensors.open(weights)) {
            Map<String, Parameter> state = model.stateDict();
            Map<String, Long> dtypes = new TreeMap<>();
            long elements = 0, bytes = 0;
            List<String> unexpected = new ArrayList<>();
            List<String> mismatched = new ArrayList<>();
            for (String name : source.names()) {
                TensorInfo info = source.info(name);
                dtypes.merge(info.dtype().safetensorsName(), 1L, Long::sum);
                elements += info.numel();
                bytes += info.byteSize();
                Parameter p = state.get(name);
                if (p == null) unexpected.add(name);
                else if (!Arrays.equals(p.shape(), info.shape())) {
                    mismatched.add(name + ": model " + Arrays.toString(p.shape()) + " vs file " + Arrays.toString(info.shape()));
                }
            }
            List<String> missing = new ArrayList<>();
            for (String key : state.keySet()) if (!source.contains(key)) missing.add(key);
            return new ModelInspection(folder, weights, config, source.names().size(), dtypes, model.parameterCount(),
                    elements, bytes, missing, unexpected, mismatched);
        }
    }
}
