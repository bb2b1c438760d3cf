package dev.lofilora.metrics;

import dev.lofilora.common.LofiException;
import dev.lofilora.nn.LoadReport;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.TensorSource;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads a metric network from a checkpoint by name: the keys under {@code prefix} ({@code "audio_branch."}, "" for
 * VGGish) must cover the module exactly, apart from keys the caller names as known extras (the AudioSet head, the
 * CLAP training-only MLPs, the stale {@code position_ids}). Anything missing, mis-shaped or unexpected is a
 * {@link LofiException} that names the file and says these are weights of another model. 0-d tensors stored as
 * [1] (as some converters write them) load into 0-d slots.
 */
public final class WeightLoading {
    private WeightLoading() {}

    /**
     * Loads {@code module} from {@code source}, then moves it to {@code device} in float32, eval mode.
     *
     * @param file        the weights file, for messages
     * @param what        what the weights should be ("HTSAT-base audio tower"), for messages
     * @param ignorable   key prefixes (after {@code prefix}) of the checkpoint the module does not have on purpose
     */
    public static void load(Module module, TensorSource source, Path file, String prefix, List<String> ignorable,
                            String what, Device device) {
        List<String> names = new ArrayList<>();
        for (String n : source.names()) if (n.startsWith(prefix)) names.add(n.substring(prefix.length()));
        if (names.isEmpty()) {
            throw new LofiException(file, "has no tensors under \"" + prefix + "\" (expected the " + what + ")",
                    "point at the right weights file for the " + what);
        }
        Map<String, Parameter> slots = module.stateDict();
        LoadReport r = module.loadStateDict(names, k -> fit(source.tensor(prefix + k), slots.get(k)), device,
                ScalarType.Float, false);
        List<String> unexpected = new ArrayList<>();
        for (String u : r.unexpected()) {
            if (ignorable.stream().noneMatch(u::startsWith)) unexpected.add(prefix + u);
        }
        LoadReport real = new LoadReport(r.missing().stream().map(m -> prefix + m).toList(), unexpected,
                r.shapeMismatches(), r.loaded());
        if (!real.clean()) {
            throw new LofiException(file, "does not hold the " + what + " this config describes: " + real.describe(),
                    "use the weights that belong to this model and config (for CLAP the non-fusion HTSAT-base music "
                            + "checkpoints; for VGGish torchvggish's vggish-10086976.pth)");
        }
        module.to(device, ScalarType.Float);
        module.train(false);
        module.requiresGrad(false);
    }

    /** A 1-element tensor reshaped to the slot's shape when only the rank differs ([1] ↔ []). */
    private static Tensor fit(Tensor t, Parameter slot) {
        if (slot == null) return t;
        long[] want = slot.shape();
        if (t.numel() == 1 && t.dim() != want.length) {
            long n = 1;
            for (long d : want) n *= d;
            if (n == 1) return t.reshape(want);
        }
        return t;
    }
}
