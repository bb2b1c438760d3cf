package dev.lofilora.metrics.vggish;

import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.F;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.nn.NoParams;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/**
 * torchvggish's {@code VGG} (vggish.py): {@code features} (3×3 convs with padding 1 and ReLU, 2×2 max-pools, as
 * {@code make_layers} numbers them: conv at i, ReLU at i+1, pool at its own index) and {@code embeddings}
 * (Linear–ReLU pairs). As {@code frechet_audio_distance} runs it: the final ReLU removed (pre-activation embedding,
 * like Google's current TF VGGish) and no PCA post-processing. Field names are the state-dict keys.
 */
public final class Vggish extends Module {
    public final ModuleList<Module> features;
    public final ModuleList<Module> embeddings;
    private final VggishConfig config;

    public Vggish(VggishConfig config) {
        this.config = config;
        features = module("features", new ModuleList<>());
        long in = 1;
        for (int v : config.featuresLayers()) {
            if (v < 0) {
                features.add(new NoParams("max_pool2d"));
            } else {
                features.add(new Conv2d(in, v, new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, 1, true));
                features.add(new NoParams("relu"));
                in = v;
            }
        }
        embeddings = module("embeddings", new ModuleList<>());
        List<Integer> w = config.embeddingsWidths();
        for (int i = 0; i + 1 < w.size(); i++) {
            embeddings.add(new Linear(w.get(i), w.get(i + 1), true));
            if (i + 2 < w.size()) embeddings.add(new NoParams("relu")); // the last ReLU is dropped (see the class comment)
        }
    }

    public VggishConfig config() { return config; }

    /** examples [N, 1, 96, 64] → embeddings [N, E]; records {@code features} (NCHW) when capturing. */
    public Tensor forward(Tensor examples, Capture capture) {
        Tensor x = examples;
        for (Module m : features.items()) {
            if (m instanceof Conv2d c) x = c.forward(x);                                 // [N, C, H, W]
            else if (((NoParams) m).op.equals("relu")) x = F.relu(x);
            else x = torch.max_pool2d(x, new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0}, new long[] {1, 1}, false);
        }
        if (capture.active()) capture.put("features", x);                                // [N, C, 6, 4]
        // torchvggish flattens in NHWC order: transpose(1, 3) then transpose(1, 2).
        x = x.transpose(1, 3).transpose(1, 2).contiguous().view(x.size(0), -1);          // [N, 6·4·C]
        for (Module m : embeddings.items()) {
            x = m instanceof Linear l ? l.forward(x) : F.relu(x);
        }
        return x;                                                                        // [N, E]
    }
}
