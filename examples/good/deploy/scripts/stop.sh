#!/bin/sh
systemctl stop app || true
