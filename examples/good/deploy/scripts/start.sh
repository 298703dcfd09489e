#!/bin/sh
systemctl start app
