# The exam's CNN (input 3x40x40, 10 classes, 53,300 parameters), as ../shared/bench/torch_reference.py
# builds it; one of the families of `benches/families.sh`.
import torch
import torch.nn as nn
import torch.nn.functional as F


class ExamCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 10, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(10, 10, kernel_size=5, padding=2)
        self.fc1 = nn.Linear(1000, 50, bias=False)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)
