package dev.lofilora.model.vocoder;

import dev.lofilora.nn.Conv1d;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/**
 * The vocoder's ConvNeXt backbone: per stage a channel layer (stem: replicate-padded k=7 conv + channels-first
 * LayerNorm; later: channels-first LayerNorm + 1×1 conv) then the stage's blocks; a final channels-first LayerNorm.
 * Keys: {@code channel_layers.{i}.{0,1}.*}, {@code stages.{i}.{j}.*}, {@code norm.*}.
 */
public final class ConvNeXtEncoder extends Module {
    private static final int STEM_KERNEL = 7;

    public final ModuleList<ModuleList<Module>> channel_layers;
    public final ModuleList<ModuleList<Module>> stages;
    public final ChannelsFirstLayerNorm norm;

    public ConvNeXtEncoder(int inputChannels, List<Integer> depths, List<Integer> dims, List<Integer> kernelSizes) {
        channel_layers = module("channel_layers", new ModuleList<>());
        // padding_mode="replicate": the conv itself has no padding, forward pads by 3 on each side
        channel_layers.add(ModuleList.of(new Conv1d(inputChannels, dims.get(0), STEM_KERNEL, 1, 0, 1, true),
                new ChannelsFirstLayerNorm(dims.get(0), 1e-6)));
        for (int i = 0; i < depths.size() - 1; i++) {
            channel_layers.add(ModuleList.of(new ChannelsFirstLayerNorm(dims.get(i), 1e-6),
                    new Conv1d(dims.get(i), dims.get(i + 1), 1, 1, 0, 1, true)));
        }
        stages = module("stages", new ModuleList<>());
        for (int i = 0; i < depths.size(); i++) {
            ModuleList<Module> stage = new ModuleList<>();
            for (int j = 0; j < depths.get(i); j++) {
                stage.add(kernelSizes.size() == 1 ? new ConvNeXtBlock(dims.get(i), kernelSizes.get(0))
                        : new ParallelConvNeXtBlock(dims.get(i), kernelSizes));
            }
            stages.add(stage);
        }
        norm = module("norm", new ChannelsFirstLayerNorm(dims.get(dims.size() - 1), 1e-6));
    }

    /** mel [B, n_mels, F] → features [B, dims[-1], F]. */
    public Tensor forward(Tensor x) {
        for (int i = 0; i < stages.size(); i++) {
            ModuleList<Module> layer = channel_layers.get(i);
            if (i == 0) {
                Tensor padded = torch.pad(x, new long[] {STEM_KERNEL / 2, STEM_KERNEL / 2}, "replicate",
                        new DoubleOptional());
                x = ((ChannelsFirstLayerNorm) layer.get(1)).forward(((Conv1d) layer.get(0)).forward(padded));
            } else {
                x = ((Conv1d) layer.get(1)).forward(((ChannelsFirstLayerNorm) layer.get(0)).forward(x));
            }
            for (Module block : stages.get(i).items()) {
                x = block instanceof ConvNeXtBlock b ? b.forward(x) : ((ParallelConvNeXtBlock) block).forward(x);
            }
        }
        return norm.forward(x);
    }
}
