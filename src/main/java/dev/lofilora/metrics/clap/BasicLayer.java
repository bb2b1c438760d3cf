package dev.lofilora.metrics.clap;

import dev.lofilora.nn.LayerNorm;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** One Swin stage (htsat.py {@code BasicLayer}): blocks with shifts 0, w/2, 0, …, then PatchMerging except last. */
final class BasicLayer extends Module {
    final ModuleList<SwinBlock> blocks;
    final PatchMerging downsample; // null in the last stage

    /** htsat.py {@code PatchMerging}: 2×2 neighbours concatenated (x0, x1, x2, x3) → LN(4C) → Linear(4C → 2C, no bias). */
    static final class PatchMerging extends Module {
        final Linear reduction;
        final LayerNorm norm;
        private final int resolution;

        PatchMerging(int resolution, int dim) {
            this.resolution = resolution;
            reduction = module("reduction", new Linear(4L * dim, 2L * dim, false));
            norm = module("norm", new LayerNorm(4L * dim, 1e-5));
        }

        /** x [B, H·W, C] → [B, H/2·W/2, 2C]. */
        Tensor forward(Tensor x) {
            long b = x.size(0), c = x.size(2);
            Tensor h = x.view(b, resolution, resolution, c);
            Tensor x0 = every2(every2(h, 1, 0), 2, 0);                                        // rows 0::2, cols 0::2
            Tensor x1 = every2(every2(h, 1, 1), 2, 0);                                        // rows 1::2, cols 0::2
            Tensor x2 = every2(every2(h, 1, 0), 2, 1);
            Tensor x3 = every2(every2(h, 1, 1), 2, 1);
            Tensor cat = torch.cat(new TensorVector(x0, x1, x2, x3), -1).view(b, -1, 4 * c);  // [B, H/2·W/2, 4C]
            return reduction.forward(norm.forward(cat));
        }

        private static Tensor every2(Tensor t, long dim, long start) {
            return t.slice(dim, new LongOptional(start), new LongOptional(), 2);
        }
    }

    BasicLayer(int dim, int resolution, int depth, int heads, int window, double mlpRatio, boolean qkvBias,
               boolean downsample) {
        blocks = module("blocks", new ModuleList<>());
        for (int i = 0; i < depth; i++) {
            blocks.add(new SwinBlock(dim, resolution, heads, window, i % 2 == 0 ? 0 : window / 2, mlpRatio, qkvBias));
        }
        this.downsample = downsample ? module("downsample", new PatchMerging(resolution, dim)) : null;
    }

    Tensor forward(Tensor x) {
        for (SwinBlock b : blocks.items()) x = b.forward(x);
        return downsample == null ? x : downsample.forward(x);
    }
}
