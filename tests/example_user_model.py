"""A small user model for the tests and the README: `--model tests.example_user_model:tiny_convnet`."""
import torch
from torch import nn


def tiny_convnet():
    torch.manual_seed(0)
    network = nn.Sequential(nn.Conv2d(3, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU())
    return network, {"input_size": 64, "value_range": (-1.0, 1.0)}
