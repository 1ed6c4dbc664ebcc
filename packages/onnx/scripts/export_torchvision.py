#!/usr/bin/python3
"""Exports the torchvision test models of @prunekit/onnx (random weights, no download).

Run: /usr/bin/python3 packages/onnx/scripts/export_torchvision.py   (needs Debian's python3-torch and
python3-torchvision; the outputs are committed under packages/onnx/test/models/).

- mobilenet_v3_small_w050.onnx: torchvision MobileNetV3-Small, width_mult 0.5, 10 classes.
- resnet18_w025.onnx: torchvision ResNet-18 with every Conv2d / BatchNorm2d / Linear at a quarter
  of its width (the same modules and forward, rebuilt narrower), 10 classes.
Both take 1x3x96x96, opset 17. Batch-norm statistics and affine terms are randomised so that no
layer is an identity; seeds are fixed so the files are reproducible on one torch version.
"""
import os
import torch
import torch.nn as nn
import torchvision

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'models')


def narrow(model: nn.Module, div: int) -> nn.Module:
    def w(c: int) -> int:
        return c if c == 3 else max(1, c // div)

    for name, m in list(model.named_children()):
        if isinstance(m, nn.Conv2d):
            setattr(model, name, nn.Conv2d(w(m.in_channels), w(m.out_channels), m.kernel_size, m.stride,
                                           m.padding, m.dilation, m.groups, m.bias is not None))
        elif isinstance(m, nn.BatchNorm2d):
            setattr(model, name, nn.BatchNorm2d(w(m.num_features)))
        elif isinstance(m, nn.Linear):
            setattr(model, name, nn.Linear(w(m.in_features), m.out_features))
        else:
            narrow(m, div)
    return model


def randomise_bn(model: nn.Module, g: torch.Generator) -> None:
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=g) * 0.5 + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=g) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(n, generator=g) * 0.1)


def export(model: nn.Module, name: str, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    randomise_bn(model, g)
    model.eval()
    x = torch.randn(1, 3, 96, 96, generator=g)
    path = os.path.join(OUT, name)
    torch.onnx.export(model, x, path, opset_version=17, input_names=['input'], output_names=['logits'],
                      do_constant_folding=True)
    params = sum(p.numel() for p in model.parameters())
    print(f'{name}: {params} params, {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    export(torchvision.models.mobilenet_v3_small(weights=None, width_mult=0.5, num_classes=10),
           'mobilenet_v3_small_w050.onnx', 1)
    torch.manual_seed(1)
    export(narrow(torchvision.models.resnet18(weights=None, num_classes=10), 4), 'resnet18_w025.onnx', 2)
