package dev.lofilora.export.graph;

import dev.lofilora.export.onnx.Attrs;
import dev.lofilora.export.onnx.OnnxType;
import dev.lofilora.model.vocoder.ADaMoSHiFiGANV1;
import dev.lofilora.model.vocoder.ChannelsFirstLayerNorm;
import dev.lofilora.model.vocoder.ConvNeXtBlock;
import dev.lofilora.model.vocoder.ConvNeXtEncoder;
import dev.lofilora.model.vocoder.HiFiGANGenerator;
import dev.lofilora.model.vocoder.ParallelConvNeXtBlock;
import dev.lofilora.model.vocoder.ResBlock1;
import dev.lofilora.model.vocoder.VocoderConfig;
import dev.lofilora.nn.Conv1d;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.nn.WeightNormConv1d;
import dev.lofilora.nn.WeightNormConvTranspose1d;

/**
 * ACE-Step's music vocoder ({@code ADaMoSHiFiGANV1.decode}) as one ONNX graph, from the module tree as
 * {@link ADaMoSHiFiGANV1#decode} runs it: the ConvNeXt backbone (replicate-padded stem, channels-first LayerNorms
 * written out as the original, depthwise convs, exact-erf GELU, layer scale) and the HiFi-GAN head with every
 * {@code weight_norm} folded into a plain weight ({@code v·g/‖v‖}, computed once with libtorch's own op). Input
 * {@code mel} [B, n_mels, F], output {@code audio} [B, 1, hop·F] in [−1, 1].
 */
public final class VocoderGraph {
    private static final int STEM_KERNEL = 7;

    private final Emitter e;
    private final ADaMoSHiFiGANV1 model;
    private final VocoderConfig c;

    private VocoderGraph(Emitter e, ADaMoSHiFiGANV1 model) {
        this.e = e;
        this.model = model;
        this.c = model.config;
    }

    public static void build(Emitter e, ADaMoSHiFiGANV1 model) {
        new VocoderGraph(e, model).build();
    }

    private void build() {
        String mel = e.g.input("mel", OnnxType.FLOAT, "B", (long) c.inputChannels(), "F");
        String x;
        try (var s = e.g.scope("backbone")) {
            x = backbone(model.backbone, mel);
        }
        try (var s = e.g.scope("head")) {
            x = head(model.head, x);
        }
        e.g.output(x, "audio", OnnxType.FLOAT, "B", 1L, "S");
    }

    private String backbone(ConvNeXtEncoder b, String x) {
        for (int i = 0; i < b.stages.size(); i++) {
            ModuleList<Module> layer = b.channel_layers.get(i);
            if (i == 0) {
                String padded = e.g.op("Pad", Attrs.of().s("mode", "edge"), x,
                        e.g.ints(0, 0, STEM_KERNEL / 2, 0, 0, STEM_KERNEL / 2));               // replicate
                x = layerNormCf((ChannelsFirstLayerNorm) layer.get(1), conv((Conv1d) layer.get(0), padded));
            } else {
                x = conv((Conv1d) layer.get(1), layerNormCf((ChannelsFirstLayerNorm) layer.get(0), x));
            }
            for (Module block : b.stages.get(i).items()) {
                if (block instanceof ConvNeXtBlock cb) {
                    x = e.add(x, branch(cb, x));
                } else {
                    String sum = null;
                    for (ConvNeXtBlock cb : ((ParallelConvNeXtBlock) block).blocks.items()) {
                        String br = branch(cb, x);
                        sum = sum == null ? br : e.add(sum, br);
                    }
                    x = e.add(sum, x);
                }
            }
        }
        return layerNormCf(b.norm, x);
    }

    /** The ConvNeXt block's branch (without the residual): dwconv → LN → pwconv1 → GELU → pwconv2 → γ. */
    private String branch(ConvNeXtBlock b, String x) {
        String h = e.transpose(conv(b.dwconv, x), 0, 2, 1);                                      // [B, T, C]
        h = e.layerNorm(e.path(b.norm), b.norm.weight.value(), b.norm.bias.value(), b.norm.eps, h);
        h = e.linear(b.pwconv2, e.g.op("Gelu", Attrs.of().s("approximate", "none"), e.linear(b.pwconv1, h)));
        String gamma = e.weightF32(e.path(b) + ".gamma", b.gamma.value());
        return e.transpose(e.mul(gamma, h), 0, 2, 1);                                           // [B, C, T]
    }

    /** ACE-Step's channels-first LayerNorm, written out: (x − u)/sqrt(var + eps)·w + b over dim 1. */
    private String layerNormCf(ChannelsFirstLayerNorm n, String x) {
        String key = e.path(n);
        String u = e.mean(x, 1);
        String d = e.g.op("Sub", x, u);
        String s = e.mean(e.mul(d, d), 1);
        String normed = e.g.op("Div", d, e.g.op("Sqrt", e.add(s, e.g.scalar(1e-6))));
        String w = e.unsqueeze(e.weightF32(key + ".weight", n.weight.value()), 1);
        String b = e.unsqueeze(e.weightF32(key + ".bias", n.bias.value()), 1);
        return e.add(e.mul(w, normed), b);
    }

    private String head(HiFiGANGenerator h, String x) {
        x = wnConv(h.conv_pre, x);
        int kernels = c.resblockKernelSizes().size();
        for (int i = 0; i < h.ups.size(); i++) {
            WeightNormConvTranspose1d up = h.ups.get(i);
            String u = e.convTranspose1d(e.path(up), up.weight(), up.bias.value(), e.silu(x), up.stride, up.padding);
            String sum = null;
            for (int j = 0; j < kernels; j++) {
                String r = resBlock(h.resblocks.get(i * kernels + j), u);
                sum = sum == null ? r : e.add(sum, r);
            }
            x = e.g.op("Div", sum, e.g.scalar(kernels));
        }
        return e.g.op("Tanh", wnConv(h.conv_post, e.silu(x)));
    }

    private String resBlock(ResBlock1 r, String x) {
        for (int i = 0; i < r.convs1.size(); i++) {
            x = e.add(wnConv(r.convs2.get(i), e.silu(wnConv(r.convs1.get(i), e.silu(x)))), x);
        }
        return x;
    }

    private String conv(Conv1d conv, String x) {
        return e.conv(e.path(conv), conv.weight.value(), conv.bias == null ? null : conv.bias.value(), x,
                new long[] {conv.stride}, new long[] {conv.padding}, new long[] {1}, conv.groups);
    }

    /** A weight-normed conv with its weight folded (stored under {@code <path>.weight}). */
    private String wnConv(WeightNormConv1d conv, String x) {
        return e.conv(e.path(conv), conv.weight(), conv.bias == null ? null : conv.bias.value(), x,
                new long[] {conv.stride}, new long[] {conv.padding}, new long[] {conv.dilation}, 1);
    }
}
