import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvGRU(nn.Module):
    """A GRU over Conv1d features: x is (batch, channels, length)."""

    def __init__(self, in_channels=8, hidden=32, num_classes=4):
        super(ConvGRU, self).__init__()
        self.conv = nn.Conv1d(in_channels, 16, kernel_size=3, padding=1)
        self.gru = nn.GRU(16, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, num_classes)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = x.transpose(1, 2)
        out, h = self.gru(x)
        return self.fc(out[:, -1])
